import XCTest
@testable import InvDBCore

/// The queue between a check's thread and the renderer, and between the import's parser and
/// writer: bounded, in order, and holding nothing it has handed out.
final class BoundedQueueTests: XCTestCase {
    private final class Token {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    /// An item taken out is released: the old queue kept up to 1,024 taken items, and a check
    /// at a million instances held 256 KB row batches alive — 300 MB for one check.
    func testATakenItemIsNoLongerHeld() {
        let queue = BoundedQueue<Token>(capacity: 4)
        weak var first: Token?
        do {
            let token = Token(0)
            first = token
            queue.push(token)
        }
        XCTAssertNotNil(first, "held while queued")
        XCTAssertEqual(queue.pop()?.number, 0)
        XCTAssertNil(first, "released once taken")
    }

    func testItemsArriveInOrderAcrossThreadsWithinTheBound() {
        let queue = BoundedQueue<Int>(capacity: 3)
        let producer = Thread {
            for number in 0..<10_000 { queue.push(number) }
            queue.close()
        }
        producer.start()
        var received: [Int] = []
        while let number = queue.pop() {
            XCTAssertLessThanOrEqual(queue.waiting, 3)
            received.append(number)
        }
        XCTAssertEqual(received, Array(0..<10_000))
    }

    func testACancelledQueueRefusesPushes() {
        let queue = BoundedQueue<Int>(capacity: 1)
        XCTAssertTrue(queue.push(1))
        queue.cancel()
        XCTAssertFalse(queue.push(2), "a full, cancelled queue does not block its producer")
        XCTAssertNil(queue.pop(), "nor hands out more work: the check runner's workers stop after a failure")
    }
}
