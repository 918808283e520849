import Foundation

/// A blocking queue of bounded size between one producer thread and one consumer thread.
///
/// The import parses on one thread while the other writes to SQLite; the bound keeps memory
/// flat when one side is faster than the other.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition` is
/// locked, so the queue may be shared between the two threads.
package final class BoundedQueue<Element>: @unchecked Sendable {
    private var items: [Element] = []
    private var head = 0
    private let capacity: Int
    private let condition = NSCondition()
    private var closed = false
    private var cancelled = false

    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds an item, waiting while the queue is full. Returns false once the consumer cancelled.
    @discardableResult
    package func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Takes the next item, waiting while the queue is empty; nil once it is closed and drained.
    package func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
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
