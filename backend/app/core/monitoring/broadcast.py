"""Fan-out of one message stream to many WebSocket clients without letting a slow one hold back others.

Each subscriber owns a bounded queue. `publish` never waits: when a queue is full its oldest message is
dropped (for live readings only the newest matter). Everything runs on the event loop thread.
"""

from __future__ import annotations

import asyncio


class Subscription:
    def __init__(self, hub: Broadcaster, maxsize: int) -> None:
        self._hub = hub
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0

    def offer(self, message: str) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(message)

    async def get(self) -> str:
        return await self.queue.get()

    def close(self) -> None:
        self._hub.unsubscribe(self)


class Broadcaster:
    def __init__(self, queue_size: int = 8) -> None:
        self._queue_size = queue_size
        self._subscribers: set[Subscription] = set()
        self.published = 0

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> Subscription:
        subscription = Subscription(self, self._queue_size)
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    def publish(self, message: str) -> None:
        self.published += 1
        for subscription in tuple(self._subscribers):
            subscription.offer(message)
