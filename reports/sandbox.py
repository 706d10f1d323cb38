"""Where an uploaded Word template runs: a Jinja sandbox that bounds what one expression may build,
inside a child process that bounds the whole rendering in time and memory.

The office uploads the work-report template, so its tags are code someone typed. Jinja's sandbox
already keeps them away from Python's internals; it does not stop `{{ 'a' * 999999999 }}`, a
`range` of a billion, nested loops or a string doubled in a loop from holding a worker for minutes
or filling its memory. Two layers do:

- `ReportSandbox` (in-process, precise messages): `*`, `**`, `+`, `%` and `~` refuse results longer
  than `MAX_TEXT` characters or `MAX_ITEMS` items or integers over `MAX_INT_BITS` bits; `range` stops
  at `MAX_ITEMS`; all loops together stop at `MAX_ITERATIONS`; the rendered text stops at
  `MAX_OUTPUT` characters; every call and loop step checks the deadline; a private attribute
  (`''.__class__`) is refused outright rather than printed as nothing.
- `run_limited()` renders in a forked child with an address-space limit and a wall-clock timeout
  (`MAX_SECONDS`), killed when it overruns, for whatever the first layer cannot see (C-level work in
  a filter, docxtpl's own processing of a pathological file).
"""

import multiprocessing
import os
import resource
import time
import traceback

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import markup_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_SECONDS = 20
MAX_TEXT = 100_000
MAX_ITEMS = 10_000
MAX_INT_BITS = 4096
MAX_ITERATIONS = 200_000
MAX_OUTPUT = 50_000_000
# Memory the child may add to what it inherits (the rendered document is held twice at most).
MAX_EXTRA_BYTES = 768 * 1024 * 1024


class TemplateLimitError(SecurityError):
    """A template asked for more than a report needs; the message is for the office."""


def _size(value) -> int | None:
    if isinstance(value, str | list | tuple):
        return len(value)
    return None


class _Guarded(CodeGenerator):
    """Routes `~` and every `{% for %}` through the environment, where they are counted."""

    def visit_Concat(self, node, frame):
        self.write("environment.guarded_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_For(self, node, frame):
        if not isinstance(node.iter, nodes.Call) or getattr(node.iter.node, "attr", "") != "guarded_iter":
            node.iter = nodes.Call(
                nodes.EnvironmentAttribute("guarded_iter"), [node.iter], [], None, None, lineno=node.lineno
            )
        super().visit_For(node, frame)


class ReportSandbox(ImmutableSandboxedEnvironment):
    """One per rendering: the deadline and the counters run from its creation."""

    code_generator_class = _Guarded
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args, seconds: float | None = None, **kwargs):
        finalize = kwargs.pop("finalize", None)
        super().__init__(*args, finalize=self._counting(finalize), **kwargs)
        self.deadline = time.monotonic() + (seconds or MAX_SECONDS)
        self.iterations = 0
        self.printed = 0
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)  # n paragraphs of filler text on request

    # -- limits --

    def tick(self):
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"模板生成超过 {MAX_SECONDS} 秒，已停止。请减少模板中的循环和计算。")

    def _too_big(self, what: str = "文字"):
        return TemplateLimitError(
            f"模板中的计算生成的{what}过长（上限 {MAX_TEXT:,} 个字符或 {MAX_ITEMS:,} 项），已停止。"
            "请不要在模板中用乘法或循环拼接大量文字。"
        )

    def _check(self, value):
        size = _size(value)
        if size is not None and size > (MAX_TEXT if isinstance(value, str) else MAX_ITEMS):
            raise self._too_big()
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
            raise TemplateLimitError("模板中的计算结果数值过大，已停止。")
        return value

    def _counting(self, finalize):
        def counted(value):
            self.tick()
            self.printed += len(value) if isinstance(value, str) else 0
            if self.printed > MAX_OUTPUT:
                raise TemplateLimitError(f"模板生成的文档过大（超过 {MAX_OUTPUT:,} 个字符），已停止。")
            return finalize(value) if finalize else value

        return counted

    def _range(self, *args):
        rng = range(*args)
        if len(rng) > MAX_ITEMS:
            raise TemplateLimitError(f"模板中的 range 不能超过 {MAX_ITEMS:,} 项。")
        return rng

    def guarded_iter(self, iterable):
        for item in iterable:
            self.iterations += 1
            if self.iterations > MAX_ITERATIONS:
                raise TemplateLimitError(f"模板中的循环次数过多（上限 {MAX_ITERATIONS:,} 次），已停止。")
            if not self.iterations % 256:
                self.tick()
            yield item

    # -- what Jinja routes here --

    def call_binop(self, context, operator, left, right):
        self.tick()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if _size(seq) is not None and isinstance(times, int):
                    limit = MAX_TEXT if isinstance(seq, str) else MAX_ITEMS
                    if len(seq) * max(times, 0) > limit:
                        raise self._too_big()
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise TemplateLimitError("模板中的计算结果数值过大，已停止。")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
                if right * left.bit_length() > MAX_INT_BITS:
                    raise TemplateLimitError("模板中的乘方结果数值过大，已停止。")
        elif operator == "+":
            if _size(left) is not None and _size(right) is not None:
                limit = MAX_TEXT if isinstance(left, str) else MAX_ITEMS
                if len(left) + len(right) > limit:
                    raise self._too_big()
        elif operator == "%" and isinstance(left, str):
            # printf-style widths ('%999999999d') build text of that width.
            if "*" in left or any(len(n) > 5 for n in _digit_runs(left)):
                raise TemplateLimitError("模板中的格式宽度过大，已停止。")
        return self._check(super().call_binop(context, operator, left, right))

    def guarded_join(self, parts):
        self.tick()
        if sum(len(str(p)) for p in parts) > MAX_TEXT:
            raise self._too_big()
        return markup_join(parts) if self.autoescape else "".join(map(str, parts))

    def concat(self, parts):
        out, size = [], 0
        for index, part in enumerate(parts):
            size += len(part)
            if size > MAX_OUTPUT:
                raise TemplateLimitError(f"模板生成的文档过大（超过 {MAX_OUTPUT:,} 个字符），已停止。")
            if not index % 1024:
                self.tick()
            out.append(part)
        return "".join(out)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self.tick()
        wrapped = getattr(__obj, "__wrapped__", __obj)
        owner = getattr(wrapped, "__self__", None)
        if isinstance(owner, str):
            name = getattr(wrapped, "__name__", "")
            if name in {"ljust", "rjust", "center", "zfill", "expandtabs"} and any(
                isinstance(a, int) and a > MAX_TEXT for a in args
            ):
                raise __self._too_big()
            if name in {"format", "format_map"} and any(len(n) > 5 for n in _digit_runs(owner)):
                raise TemplateLimitError("模板中的格式宽度过大，已停止。")
        return __self._check(super().call(__context, __obj, *args, **kwargs))

    def unsafe_undefined(self, obj, attribute):
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")


def _digit_runs(text: str):
    run = ""
    for ch in text:
        if ch.isdigit():
            run += ch
        elif run:
            yield run
            run = ""
    if run:
        yield run


# --- the child process ------------------------------------------------------------------------------


def _vm_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(conn, func, args):
    try:
        current = _vm_bytes()
        if current:
            limit = current + MAX_EXTRA_BYTES
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", func(*args)))
    except MemoryError:
        conn.send(("limit", "模板生成时占用的内存超过上限，已停止。请减少模板中的循环和计算。"))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent as it was
        try:
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            conn.send(("error", RuntimeError(traceback.format_exception_only(exc)[-1].strip())))
    finally:
        conn.close()


def run_limited(func, *args, seconds: float | None = None):
    """`func(*args)` in a forked child that may run `seconds` and use `MAX_EXTRA_BYTES` more memory;
    its result, or its exception raised here, or `TemplateLimitError` when it overran and was killed.
    Without `fork` (not Linux) it runs in-process, bounded only by `ReportSandbox`."""
    if "fork" not in multiprocessing.get_all_start_methods() or os.environ.get("CPPCC_RENDER_IN_PROCESS"):
        return func(*args)
    seconds = seconds or MAX_SECONDS
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, func, args), daemon=True)
    process.start()
    child.close()
    try:
        # A little longer than the sandbox's own deadline, which ends it with a clearer message.
        if not parent.poll(seconds + 2):
            raise TemplateLimitError(f"模板生成超过 {int(seconds)} 秒，已停止。请减少模板中的循环和计算。")
        try:
            kind, payload = parent.recv()
        except EOFError:
            raise TemplateLimitError("模板生成时占用的内存超过上限，已停止。请减少模板中的循环和计算。") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if kind == "ok":
        return payload
    if kind == "limit":
        raise TemplateLimitError(payload)
    raise payload
