import Foundation
import Testing

@testable import AegisServer

@Suite struct LineSplitterTests {
    @Test func splitsAcrossChunksAndKeepsTheRestForLater() {
        var splitter = LineSplitter()
        #expect(splitter.feed(Data("one\ntw".utf8)) == ["one"])
        #expect(splitter.feed(Data("o\n\nthree".utf8)) == ["two", ""])
        #expect(splitter.finish() == "three")
        #expect(splitter.finish() == nil)
    }

    @Test func aLongLineIsCutAndTheRestOfItDropped() {
        var splitter = LineSplitter()
        let long = String(repeating: "x", count: PluginLogRing.maxLineBytes + 10)
        let first = splitter.feed(Data(long.utf8))
        #expect(first.count == 1)
        #expect(splitter.feed(Data(String(repeating: "y", count: 5000).utf8)).isEmpty)
        #expect(splitter.feed(Data("tail\nnext\n".utf8)) == ["next"])
    }

    @Test func manyShortLinesAreSplitInOnePass() {
        var splitter = LineSplitter()
        let lines = splitter.feed(Data(repeating: 0x0a, count: 100_000))
        #expect(lines.count == 100_000)
    }
}
