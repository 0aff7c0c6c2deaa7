"""Benchmark: a desk's whole day, compressed, watched for memory that keeps growing.

    python bench/bench_soak.py [--size demo|five-year|both] [--contacts 2000]

On a copy of the practice of each size (bench/practice_size.py), with the clock injected
(``domain.calendar.set_system_clock``) so that the day runs from 08:00 to 16:00 tomorrow
(London) in a few minutes, a partner signs in through the real sign-in window (offscreen) and
works the counter through its screen, as the buttons do: ``--contacts`` contacts (2,000 by
default) among every clinician on the counter (more are put on the register and on the
counter first, so that the day has room for them at a cap of 60: that set-up is the manager's
work, done by a process of its own before the desk starts), the clock moving on by the
same step each time; every 20th contact undone through the undo dialog with a reason; every
25th a try for a clinician already full, refused at the cap (the divert panel opens and is
closed); every 100th every section of the main window visited; every 250th the desk locked
and unlocked with the PIN. The desk draws its Letters previews in a helper process
(documents/apart.py), as the app does; its size is printed beside the day's, not in it.

Every 100 contacts (after ``gc.collect()``) it prints the process's resident size
(/proc/self/statm, the current size, not the peak) and the number of objects the collector
tracks. What it is set beside: the same figures at the first sample, after the first hundred
contacts and the first visit to every screen (the desk warmed up). It fails (exit 1) on steady
growth: a least-squares line through the second half of the samples rising faster than
RSS_SLOPE MB (resident size, or the C heap in use: glibc's mallinfo2, which shows a leak that
memory freed earlier in the day hides from the resident size) or OBJECT_SLOPE objects per
1,000 contacts; or when the day ends at DAY_BUDGET_MB or more resident (sizes in MiB, as
bench_memory gives them).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

RSS_SLOPE = 1.0  # MB per 1,000 contacts
DAY_BUDGET_MB = 150.0  # resident at the day's end (issue 18: memory after a day's use)
OBJECT_SLOPE = 2_000  # objects per 1,000 contacts
SAMPLE = 100
CAP = 60
DESK = "Dr Asha Mistry"


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as statm:
        resident = int(statm.read().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)  # MiB, as bench_memory


def heap_mb() -> float:
    """Bytes the C heap has handed out and not had back (glibc's mallinfo2), in MB; -1 when
    it cannot say. Beside RSS it tells a leak (this grows) from memory kept by the allocator."""
    import ctypes

    class Info(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = Info
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return -1.0
    return (info.uordblks + info.hblkhd) / 1e6


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    spread = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / spread if spread else 0.0


class Clock:
    """The injected clock: a London day from 08:00, moved on by hand."""

    def __init__(self, day: date) -> None:
        from practice_action.domain.calendar import LONDON

        self.now = datetime.combine(day, clock_time(8, 0), LONDON)

    def __call__(self) -> datetime:
        return self.now


def prepare(data_dir: str, contacts: int, on: date) -> int:
    """The clinicians on the day's counter with room for the day at a cap of 60; the id of
    one filled to the cap, for the refusals. Run in a process of its own before the desk's:
    it is another desk's work (the manager's set-up), and what it loads is not the desk's."""
    from practice_action.domain.calendar import set_system_clock

    set_system_clock(Clock(on))
    from counter_helpers import add_clinician, adopt_cap

    from practice_action import paths
    from practice_action.domain.enums import ContactType
    from practice_action.services import counter, registers
    from practice_action.services.demo import DEMO_PINS
    from practice_action.services.health import open_context
    from practice_action.services.staff import list_staff, sign_in

    ctx = open_context(paths.resolve(data_dir))

    def signed(name: str):  # type: ignore[no-untyped-def]
        member = next(m for m in list_staff(ctx) if m.name == name)
        return sign_in(ctx, member.id, DEMO_PINS[name]).actor

    partner, manager, desk = signed(DESK), signed("Karen Holt"), signed("Jade Barker")
    adopt_cap(ctx, partner, CAP)
    on_duty = {c.clinician_id for c in counter.board(ctx).clinicians}
    for clinician in registers.list_records(ctx, registers.CLINICIANS, include_retired=False):
        if clinician.id not in on_duty:
            counter.add_to_today(ctx, manager, clinician.id)
    extra = 0
    while sum(c.left or 0 for c in counter.board(ctx).clinicians) < contacts + 2 * CAP:
        extra += 1
        cid = add_clinician(ctx, manager, f"Dr Soak Locum {extra}")
        counter.add_to_today(ctx, manager, cid)
    full = counter.board(ctx).clinicians[0]
    for _ in range(full.left or 0):
        counter.record_contact(ctx, desk, full.clinician_id, ContactType.TELEPHONE)
    ctx.store.dispose()
    return full.clinician_id


def day(data_dir: str, contacts: int, on: date, full: int) -> list[tuple[int, float, int, str]]:
    """The desk's day ``on``, ``full`` being the clinician at the cap; a sample (contacts so
    far, RSS MB, objects, clock) every SAMPLE."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from practice_action.ui.app import make_app  # isort: skip

    from signed_desk import settle, sign_in, unlock

    from practice_action import paths
    from practice_action.domain.calendar import set_system_clock
    from practice_action.services.health import open_context
    from practice_action.ui.counter_dialogs import ReasonDialog
    from practice_action.ui.counter_screen import CounterScreen
    from practice_action.ui.modal import answered_by

    clock = Clock(on)
    set_system_clock(clock)
    step = timedelta(hours=8) / contacts
    _app = make_app()  # kept alive for the whole day
    locations = paths.resolve(data_dir)
    ctx = open_context(locations)
    desk = sign_in(ctx, locations, DESK)
    desk.wait_for_backup()
    window = desk.window
    assert window is not None

    def counter_screen() -> CounterScreen:
        window.show_section("counter")
        settle()
        screen = window.findChild(CounterScreen)
        assert screen is not None
        return screen

    def give_reason(dialog: object) -> int:
        assert isinstance(dialog, ReasonDialog)
        dialog.show()
        dialog.reason.setCurrentIndex(0)
        dialog.accept()
        return dialog.result()

    screen = counter_screen()
    from practice_action.documents import apart

    samples: list[tuple[int, float, int, str]] = []
    helper_mb: list[float] = []  # the drawing helper's size, at the samples it is there for
    refused = undone = 0
    for n in range(1, contacts + 1):
        clock.now += step
        open_ids = [c.clinician_id for c in screen.board.clinicians if (c.left or 0) > 0]
        screen.record(open_ids[n % len(open_ids)])
        if n % 20 == 0:
            with answered_by(give_reason):
                screen.undo_last()
            undone += 1
        if n % 25 == 0:
            screen.record(full)
            if "is full" in screen.message.text():
                refused += 1
            screen.close_divert()
        if n % 100 == 0:
            for row in range(window.sidebar.count()):
                window.sidebar.setCurrentRow(row)
                settle()
            screen = counter_screen()
        if n % 250 == 0:
            desk.lock()
            settle()
            unlock(desk, DESK)
            screen = counter_screen()
        settle(2)
        if n % SAMPLE == 0:
            helper = apart.drawer().helper_pid()
            if helper is not None:
                helper_mb.append(rss_mb(helper))
            gc.collect()
            sample = (n, rss_mb(), len(gc.get_objects()), clock.now.strftime("%H:%M"))
            samples.append(sample)
            print(
                f"  {n:>5} contacts  {sample[3]}  RSS {sample[1]:6.1f} MB  {sample[2]:>9,} objects"
                f"  (C heap in use {heap_mb():.1f} MB, Python blocks {sys.getallocatedblocks():,})",
                flush=True,
            )
    print(f"  ({undone} undone, {refused} refused at the cap)")
    if helper_mb:
        print(
            f"  (the Letters previews were drawn by a process of its own: up to {max(helper_mb):.1f}"
            f" MB resident at the samples it was there for ({len(helper_mb)} of {len(samples)}),"
            " not counted above; it leaves a minute after its last drawing)"
        )
    desk.close()
    ctx.store.dispose()
    return samples


def main() -> int:
    import subprocess

    import practice_size  # bench/, the script's own folder

    from practice_action.domain.calendar import LONDON

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    practice_size.add_size_argument(parser)
    parser.add_argument("--contacts", type=int, default=2000)
    args = parser.parse_args()
    summary: list[str] = []
    failed = False
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PRACTICE_ACTION_DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as scratch:
        for size in practice_size.sizes(args.size):
            data = practice_size.sqlite_copy(size, Path(scratch) / size).data_dir
            print(f"{size}: a desk's day of {args.contacts} contacts")
            began = time.perf_counter()
            on = (datetime.now(LONDON) + timedelta(days=1)).date().isoformat()
            set_up = subprocess.run(
                [sys.executable, __file__, "--prepare", str(data), str(args.contacts), on],
                env=env,
                capture_output=True,
                text=True,
            )
            if set_up.returncode != 0:
                raise SystemExit(f"the day's set-up failed:\n{set_up.stderr}")
            full = set_up.stdout.split()[-1]
            child = subprocess.Popen(
                [sys.executable, __file__, "--child", str(data), str(args.contacts), on, full],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert child.stdout is not None and child.stderr is not None
            rows = []
            for line in child.stdout:  # shown as the day goes
                print(line, end="", flush=True)
                if "RSS" in line:
                    rows.append(line.split())
            problems = child.stderr.read()
            if child.wait() != 0 or len(rows) < 4:
                raise SystemExit(f"the day failed (exit {child.returncode}):\n{problems}")
            points = [(int(r[0]), float(r[4]), int(r[6].replace(",", ""))) for r in rows]
            heap = [(int(r[0]) / 1000, float(r[12])) for r in rows]
            heap_rise = slope(heap[len(heap) // 2 :])
            half = points[len(points) // 2 :]
            rss_rise = slope([(n / 1000, mb) for n, mb, _ in half])
            object_rise = slope([(n / 1000, float(k)) for n, _, k in half])
            print(
                f"  {time.perf_counter() - began:.0f} s; second half: RSS {rss_rise:+.2f} MB, C heap "
                f"{heap_rise:+.2f} MB and {object_rise:+,.0f} objects per 1,000 contacts\n"
            )
            first, last = points[0], points[-1]
            rss_ok, objects_ok = rss_rise <= RSS_SLOPE, object_rise <= OBJECT_SLOPE
            heap_ok = heap_rise <= RSS_SLOPE
            small_ok = last[1] < DAY_BUDGET_MB
            failed = failed or not (rss_ok and objects_ok and heap_ok and small_ok)
            summary += [
                f"{'soak RSS':<24} {size:<10} {first[1]:>6.1f} MB {last[1]:>6.1f} MB "
                f"{rss_rise:>+6.2f}  <={RSS_SLOPE:g} MB/1k  {'yes' if rss_ok else 'NO'}",
                f"{'soak C heap in use':<24} {size:<10} {heap[0][1]:>6.1f} MB {heap[-1][1]:>6.1f} MB "
                f"{heap_rise:>+6.2f}  <={RSS_SLOPE:g} MB/1k  {'yes' if heap_ok else 'NO'}",
                f"{'soak objects':<24} {size:<10} {first[2]:>9,} {last[2]:>9,} "
                f"{object_rise:>+6.0f}  <={OBJECT_SLOPE:,}/1k  {'yes' if objects_ok else 'NO'}",
                f"{'soak RSS at day end':<24} {size:<10} {first[1]:>6.1f} MB {last[1]:>6.1f} MB "
                f"{'':>6}  <{DAY_BUDGET_MB:g} MB      {'yes' if small_ok else 'NO'}",
            ]
    print("baseline: the first sample (100 contacts, every screen visited once); ratio column:")
    print("the second half's slope per 1,000 contacts")
    practice_size.table(
        "benchmark                size       baseline   app       slope   budget       met",
        summary,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--prepare":
        print(prepare(sys.argv[2], int(sys.argv[3]), date.fromisoformat(sys.argv[4])))
    elif len(sys.argv) == 6 and sys.argv[1] == "--child":
        day(sys.argv[2], int(sys.argv[3]), date.fromisoformat(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(main())
