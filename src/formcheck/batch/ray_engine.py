"""`formcheck batch --engine ray`: the same per-clip function (`jobs.run_job`) as Ray tasks.

Optional: needs `pip install 'formcheck[ray]'`. Every Ray node must have the same formcheck version and
pose model installed, and see DIR and OUT at the same paths (a shared file system): each task reads its
clip and writes its outputs and done-record itself, exactly like a local worker, so resume works the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from .engines import Interrupted, Sink, failed_outcome, worker_log_level
from .jobs import Job, JobOutcome, run_job

#: Ray retries a task once when its worker process dies (node lost, out of memory), then gives up.
TASK_RETRIES = 1
#: Seconds to wait for finished tasks before checking again (keeps Ctrl-C responsive).
POLL_S = 0.5


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise UsageError(
            "--engine ray needs Ray: pip install 'formcheck[ray]' (on every machine of the "
            "cluster), or use the default local engine"
        ) from exc
    return ray


def _ray_job(job: Job) -> JobOutcome:
    """The Ray task body: the local per-clip function, without frame progress."""
    return run_job(job, None)


@dataclass
class RayEngine:
    """Run jobs as Ray tasks (1 CPU each) on the cluster at `address`; at most `max_in_flight` tasks
    submitted at once (None: all, and Ray schedules them on the free CPUs).

    Connects with `ray.init(address)`; without an address, an already initialised Ray (e.g. in a test),
    else $RAY_ADDRESS, else a new Ray instance on this machine. Disconnects only what it connected.
    """

    address: str | None = None
    max_in_flight: int | None = None

    def run(self, jobs: Sequence[Job], sink: Sink) -> None:
        if not jobs:
            return
        ray = _import_ray()
        connected_here = False
        if not ray.is_initialized():
            try:
                ray.init(
                    address=self.address,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=worker_log_level(),
                    configure_logging=True,
                )
            except ConnectionError as exc:
                raise UsageError(
                    f"cannot connect to the Ray cluster at {self.address}: {exc}; start it with "
                    f"`ray start --head` or check --address"
                ) from exc
            connected_here = True
        try:
            self._run(ray, jobs, sink)
        finally:
            if connected_here:
                ray.shutdown()

    def _run(self, ray: Any, jobs: Sequence[Job], sink: Sink) -> None:
        task = ray.remote(num_cpus=1, max_retries=TASK_RETRIES)(_ray_job)
        waiting = list(jobs)
        in_flight: dict[Any, Job] = {}
        limit = self.max_in_flight or len(jobs)
        try:
            while waiting or in_flight:
                while waiting and len(in_flight) < limit:
                    job = waiting.pop(0)
                    in_flight[task.remote(job)] = job
                    sink.started(job)
                done, _ = ray.wait(list(in_flight), num_returns=1, timeout=POLL_S)
                for ref in done:
                    job = in_flight.pop(ref)
                    try:
                        outcome = ray.get(ref)
                    except Exception as exc:
                        outcome = failed_outcome(job, exc)
                        outcome.row["error"] = f"the Ray task failed ({type(exc).__name__}): {_first_line(exc)}"
                        outcome.row["error_code"] = "worker_crashed"
                    sink.finished(job, outcome)
        except KeyboardInterrupt:
            for ref in in_flight:
                ray.cancel(ref, force=True)
            raise Interrupted from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
