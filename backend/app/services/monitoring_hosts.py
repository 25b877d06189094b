"""Worker nodes' GPUs and hosts merged into the API host's monitoring sample (celery runner).

Worker nodes announce their readings over Redis (app/jobs/live.py); the monitoring service hands their
latest messages here, which validates them and tags each GPU with its host.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import ValidationError

from app.core.monitoring.readings import GpuProcess, GpuReading, Sample, WorkerHost, WorkerSlot
from app.schemas import monitoring as schemas

log = logging.getLogger("app.services.monitoring")

MAX_WORKER_HOSTS = 256
MAX_GPUS_PER_HOST = 64


class RemoteHostSource(Protocol):
    """What the celery runner's LiveRelay offers (app/jobs/live.py): worker nodes' latest messages."""

    def hosts(self) -> Sequence[Any]: ...


def local_hostname() -> str:
    return socket.gethostname().split(".")[0] or "localhost"


def _remote_gpu(stats: schemas.GpuStats, host: str) -> GpuReading:
    fields = stats.model_dump(exclude={"memory_used_percent", "processes", "host"})
    processes = [GpuProcess(**p.model_dump()) for p in stats.processes]
    return GpuReading(**fields, processes=processes, host=host)


def _first_driver(workers: list[WorkerHost]) -> str | None:
    return next((w.driver_version for w in workers if w.driver_version), None)


def merge_worker_hosts(sample: Sample, hostname: str, remotes: Sequence[Any]) -> Sample:
    """The API host's sample with every worker node's GPUs (tagged with their host) and a summary of each
    node. A GPU seen both here and by a worker on the same machine (same UUID) is listed once, as the
    worker's. A message that does not validate is skipped with a warning."""
    workers: list[WorkerHost] = []
    remote_gpus: list[GpuReading] = []
    for remote in list(remotes)[:MAX_WORKER_HOSTS]:
        try:
            theirs = schemas.GpuSample.model_validate(remote.sample)
            slots = [schemas.WorkerSlotStats.model_validate(s) for s in remote.slots[:MAX_GPUS_PER_HOST]]
        except ValidationError as exc:
            log.warning("Worker %s sent readings that do not validate: %s", remote.host, exc.errors()[:1])
            continue
        remote_gpus.extend(_remote_gpu(gpu, remote.host) for gpu in theirs.gpus[:MAX_GPUS_PER_HOST])
        workers.append(
            WorkerHost(
                host=remote.host,
                timestamp=theirs.timestamp,
                gpu_available=theirs.gpu_available,
                gpu_reason=theirs.gpu_reason,
                driver_version=theirs.driver_version,
                cpu_percent=theirs.host.cpu_percent,
                memory_percent=theirs.host.memory_percent,
                slots=[WorkerSlot(s.name, s.queue, s.gpu, s.alive) for s in slots],
            )
        )
    remote_uuids = {gpu.uuid for gpu in remote_gpus if gpu.uuid}
    local = [
        dataclasses.replace(gpu, host=hostname)
        for gpu in sample.gpus
        if not gpu.uuid or gpu.uuid not in remote_uuids
    ]
    gpus = local + remote_gpus
    return dataclasses.replace(
        sample,
        gpus=gpus,
        gpu_available=bool(gpus),
        gpu_reason=None if gpus else sample.gpu_reason,
        driver_version=sample.driver_version or _first_driver(workers),
        hostname=hostname,
        workers=workers,
    )
