"""The interface every broker implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

Deliver = Callable[[dict], None]


class Broker(ABC):
    """Carries published events from the processes that change threads to the stream
    processes. A lost message is repaired by the stream process's check of thread versions
    (streams.Hub), so publishing never waits and never fails the change that published."""

    @abstractmethod
    def publish(self, messages: list[dict]) -> None:
        """Send messages (events.message()) to every stream process; called after commit.
        Never raises and never blocks for long."""

    @abstractmethod
    async def listen(self, deliver: Deliver) -> None:
        """In a stream process: call `deliver` with each message received, until cancelled."""
