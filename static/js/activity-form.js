/* The activity form. */
(function () {
  // Show the work-report quantities that apply to the chosen kind (and any already filled in).
  const relevant = JSON.parse(document.getElementById('relevant-quantities').textContent);
  const halfDayKinds = JSON.parse(document.getElementById('half-day-kinds').textContent);
  const kind = document.getElementById('id_kind');
  const more = document.getElementById('show-all-quantities');
  let showAll = false;
  function apply() {
    const wanted = relevant[kind.value];
    let hidden = 0;
    document.querySelectorAll('[data-quantity]').forEach(function (box) {
      const input = box.querySelector('input');
      const show = showAll || !wanted || wanted.indexOf(box.dataset.quantity) >= 0 || (input && input.value);
      box.classList.toggle('d-none', !show);
      if (!show) hidden += 1;
    });
    more.classList.toggle('d-none', showAll || hidden === 0);
    const half = document.querySelector('[data-half-days]');
    const halfInput = half.querySelector('input');
    half.classList.toggle('d-none', halfDayKinds.indexOf(kind.value) < 0 && !(halfInput && Number(halfInput.value)));
  }
  kind.addEventListener('change', apply);
  more.addEventListener('click', function () { showAll = true; apply(); });
  apply();
})();
