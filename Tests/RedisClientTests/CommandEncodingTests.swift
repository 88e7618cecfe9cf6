@testable import RedisClient
import Testing

@Suite struct CommandEncodingTests {
    @Test func commandsAreEncodedAsArraysOfBulkStrings() {
        var encoded: [UInt8] = []
        RedisCommand("SET", "key", "").encode(into: &encoded)
        #expect(String(decoding: encoded, as: UTF8.self) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$0\r\n\r\n")
    }

    /// Lengths of one to five digits, with 0 inside them (the digits are written by hand), and bytes
    /// that mean something in RESP inside an argument.
    @Test(arguments: [1, 9, 10, 99, 100, 101, 1000, 10_009, 65_536])
    func lengthsAndBinaryArgumentsAreEncodedExactly(length: Int) {
        let argument = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 31) }
        var command = RedisCommand("ECHO")
        command.append(bytes: argument)
        var encoded = Array("leading bytes stay".utf8)
        command.encode(into: &encoded)
        let expected = Array("leading bytes stay*2\r\n$4\r\nECHO\r\n$\(length)\r\n".utf8) + argument + Array("\r\n".utf8)
        #expect(encoded == expected)
    }

    /// The arguments read back from the encoded form: empty, binary with RESP framing inside, long.
    @Test func argumentsReadBackExactly() {
        var command = RedisCommand("EVALSHA", "")
        let binary = Array("a\r\n$3\r\n".utf8) + (0..<1_000).map { UInt8(truncatingIfNeeded: $0) }
        command.append(bytes: binary)
        command.append("last")
        #expect(command.argumentCount == 4)
        #expect(Array(command.argument(at: 0)) == Array("EVALSHA".utf8))
        #expect(command.argument(at: 1).isEmpty)
        #expect(Array(command.argument(at: 2)) == binary)
        #expect(Array(command.argument(at: 3)) == Array("last".utf8))

        // A batch's EVAL fallback: the same arguments behind another verb and script.
        var eval = RedisCommand("EVAL", "return 1")
        eval.append(argumentsOf: command, from: 2)
        #expect(eval.argumentCount == 4)
        #expect(Array(eval.argument(at: 1)) == Array("return 1".utf8))
        #expect(Array(eval.argument(at: 2)) == binary)
        #expect(Array(eval.argument(at: 3)) == Array("last".utf8))
    }

    @Test func aCommandWithoutArgumentsIsAnEmptyArray() {
        var encoded: [UInt8] = []
        RedisCommand().encode(into: &encoded)
        #expect(encoded == Array("*0\r\n".utf8))
    }
}
