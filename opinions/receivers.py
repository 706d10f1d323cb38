"""What `opinions` does when other apps' records move (the engine's domain events)."""

from proposals.workflow import CONVERT_NOTE

from . import services


def on_event_recorded(sender, event, **kwargs):
    """A proposal converted in review (转社情民意): its report arrives in the office's queue, inside the
    conversion's transaction, so that a failure here undoes the conversion too."""
    if event.lifecycle == "proposal" and event.action == "convert":
        note = "" if event.note == CONVERT_NOTE else event.note
        services.opinion_from_proposal(actor=event.actor, proposal=event.obj, note=note)
