"""Brief, per-process memories of what every request reads and what rarely changes, kept right in every process.

DESIGN.md allows it for the host lookup ("keep them one indexed query or cache
them briefly"); the kiosk's device, the company a visitor chose, the schemas a
building's requests may switch to, the visitor documents and a company's
settings are read on nearly every kiosk request too. An entry lives CHECKIN_HOST_CACHE_SECONDS (0
turns every memory off). What a loader does not find is never remembered: the
loader raises, so a new host or a new kiosk answers at once.

Every web process and pod honours a change before the request that made it returns: saving or deleting a
model a memory names bumps that model's row in `public.tenancy_memorygeneration`, in the same transaction
(so the bump is visible exactly when the change is). Each request reads that small table once, before any
memory answers (`generations_read`, from the host router), and a memory whose models' numbers moved since
it last looked forgets everything it holds. Outside a request (tasks, commands) nothing has been read, and
the memories always load afresh. When PostgreSQL cannot be reached the read fails and so does the request
(503): nothing remembered is trusted without it. Queryset `.update()` sends no signal and bumps nothing: it
is used only for what no memory depends on (a kiosk's last-seen time).
"""

import itertools
import pickle
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connection, connections
from django.db.models.signals import post_delete, post_save

V = TypeVar("V")


_numbers = itertools.count()
_memories: list["BriefMemory[Any]"] = []
# Always named with its schema: requests run on their own tenant's schema (and role). Model: tenancy.MemoryGeneration,
# named here by its table only, so that this package imports no app.
TABLE = "public.tenancy_memorygeneration"
_bumping: set[str] = set()  # model labels whose saves and deletions bump their generation
_request = threading.local()  # .generations: what this thread's request read, by model label


def generations_read() -> None:
    """Read every model's generation for the request starting on this thread (one query of a few rows)."""
    if settings.CHECKIN_HOST_CACHE_SECONDS <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, generation FROM {TABLE}")
        _request.generations = dict(cursor.fetchall())


def generations_forget(**_signal: Any) -> None:
    """A request begins or ends on this thread: until the next read, no memory is trusted."""
    _request.generations = None


request_started.connect(generations_forget, dispatch_uid="checkin_memory_generations_start")
request_finished.connect(generations_forget, dispatch_uid="checkin_memory_generations_finish")


def _generation_bump(sender: type, using: str = "default", **_signal: Any) -> None:
    """In the transaction of the save or deletion: every process forgets that model's rows at its next request."""
    if settings.CHECKIN_HOST_CACHE_SECONDS <= 0:
        return  # no process remembers anything
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} AS g (kind, generation) VALUES (%s, 1)"
            " ON CONFLICT (kind) DO UPDATE SET generation = g.generation + 1",
            [sender._meta.label],  # type: ignore[attr-defined]
        )


def _bump_on_change(label: str) -> None:
    if label in _bumping:
        return
    _bumping.add(label)
    for signal in (post_save, post_delete):
        # Weakly held, as a module's function may be: the module keeps it alive.
        signal.connect(_generation_bump, sender=label, dispatch_uid=f"checkin_generation_{label}")


class BriefMemory(Generic[V]):
    """Values by key, each for CHECKIN_HOST_CACHE_SECONDS; forgotten whenever a model in `forget_on` changes, here
    at once and in every other process at its next request.

    `forget_on` holds model labels ("tenancy.Tenant"). Every caller gets its own deep
    copy: a request that changes what it was given changes nothing for the next one.
    Values are kept pickled: unpickling a model instance is about four times as fast as
    `copy.deepcopy`.
    """

    def __init__(self, *, forget_on: Iterable[str], max_entries: int = 10_000) -> None:
        self._entries: dict[Hashable, tuple[float, bytes]] = {}
        self._max_entries = max_entries  # past this many, start again rather than grow without bound
        self._lock = threading.Lock()  # gunicorn may run threads
        self._labels = tuple(forget_on)
        self._generations: tuple[int, ...] | None = None  # of the models in forget_on, when the entries were kept
        number = next(_numbers)
        for label in self._labels:
            _bump_on_change(label)
            for signal in (post_save, post_delete):
                signal.connect(self.forget, sender=label, weak=False, dispatch_uid=f"checkin_memory_{number}_{label}")
        _memories.append(self)

    def _request_generations(self) -> tuple[int, ...] | None:
        """The generations of the models in forget_on this request read; None outside a request (or memory off)."""
        if settings.CHECKIN_HOST_CACHE_SECONDS <= 0:
            return None
        read: dict[str, int] | None = getattr(_request, "generations", None)
        if read is None:
            return None
        return tuple(read.get(label, 0) for label in self._labels)

    def _align(self, generations: tuple[int, ...]) -> None:
        """With the lock held: forget everything kept under other generations than the request's."""
        if generations != self._generations:
            self._entries.clear()
            self._generations = generations

    def answers(self) -> bool:
        """Whether `recall` may answer from memory now: memories on, in a request that read the generations."""
        return self._request_generations() is not None

    def recall(self, key: Hashable, load: Callable[[], V], *, unless: Callable[[V], bool] | None = None) -> V:
        """The value for `key`, from memory while fresh, else from `load()` (which raises for what does not exist).

        A remembered value for which `unless` is true is loaded again (it may be out of date for this question).
        """
        generations = self._request_generations()
        if generations is None:
            return load()
        with self._lock:
            self._align(generations)
            entry = self._entries.get(key)
        if entry is not None and entry[0] > time.monotonic():
            remembered: V = pickle.loads(entry[1])  # noqa: S301 - bytes this process pickled itself
            if unless is None or not unless(remembered):
                return remembered
        value = load()  # read after the generations: if it changes later, the next request's numbers say so
        self._keep(key, value, generations)
        return value

    def remember(self, key: Hashable, value: V) -> None:
        """Keep `value`, read by this request, for `key`."""
        generations = self._request_generations()
        if generations is not None:
            self._keep(key, value, generations)

    def _keep(self, key: Hashable, value: V, generations: tuple[int, ...]) -> None:
        entry = (time.monotonic() + settings.CHECKIN_HOST_CACHE_SECONDS, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        with self._lock:
            self._align(generations)  # kept under the numbers read before it was loaded, never newer ones
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[key] = entry

    def forget(self, **_signal: Any) -> None:
        with self._lock:
            self._entries.clear()


def brief_memories_forget() -> None:
    """Forget everything every memory holds (tests start from here)."""
    for memory in _memories:
        memory.forget()
