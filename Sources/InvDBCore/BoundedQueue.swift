import Foundation

/// A blocking queue of bounded size between one producer thread and one consumer thread.
///
/// The import parses on one thread while the other writes to SQLite, and each check hands its
/// rows to the renderer this way; the bound keeps memory flat when one side is faster than the
/// other. It is a ring of `capacity` slots: an item taken out is no longer referenced.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is
/// locked, so the queue may be shared between the two threads.
package final class BoundedQueue<Element>: @unchecked Sendable {
    private var slots: [Element?]
    private var head = 0
    private var count = 0
    private let condition = NSCondition()
    private var closed = false
    private var cancelled = false

    package init(capacity: Int) {
        slots = Array(repeating: nil, count: max(capacity, 1))
    }

    /// Adds an item, waiting while the queue is full. Returns false once the consumer cancelled.
    @discardableResult
    package func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == slots.count && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        slots[(head + count) % slots.count] = item
        count += 1
        condition.broadcast()
        return true
    }

    /// Takes the next item, waiting while the queue is empty; nil once it is closed and drained,
    /// or cancelled (whoever cancelled wants no more work done).
    package func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed && !cancelled { condition.wait() }
        guard count > 0, !cancelled else { return nil }
        let item = slots[head]
        slots[head] = nil
        head = (head + 1) % slots.count
        count -= 1
        condition.broadcast()
        return item
    }

    /// Items waiting to be taken.
    package var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    /// The producer is done.
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer gave up: wake the producer and make its pushes fail.
    package func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
