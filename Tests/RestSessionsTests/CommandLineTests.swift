import ArgumentParser
import Foundation
import Testing

@testable import rest_sessions

@Suite struct CommandLineTests {
    @Test func everySettingHasItsFlag() throws {
        let arguments = SettingDefinition.all.flatMap { ["--\($0.flag)", "value"] }
        let command = try RestSessionsCommand.parse(arguments)
        #expect(Set(command.flagValues.keys) == Set(SettingDefinition.all.map(\.flag)))
        #expect(command.flagValues.values.allSatisfy { $0 == "value" })
    }

    @Test func flagsNotGivenAreAbsent() throws {
        let command = try RestSessionsCommand.parse(["--port", "4000", "--config", "/etc/rs.json"])
        #expect(command.flagValues == ["port": "4000"])
        #expect(command.configPath == "/etc/rs.json")
    }

    @Test func helpListsEverySettingWithItsEnvironmentVariableAndDefault() {
        let help = RestSessionsCommand.helpMessage(columns: 1000)
        for definition in SettingDefinition.all {
            #expect(help.contains("--\(definition.flag)"))
            #expect(help.contains("env \(definition.environmentName); default \(definition.describeValue(in: Settings()) ?? "none")"))
        }
        #expect(help.contains("RS_CONFIG"))
    }

    @Test func theShippedConfigFileHoldsEveryKeyAtItsDefault() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/rest-sessions.json").path
        let members = try ConfigFile.read(path: path)
        #expect(Set(members.keys) == Set(SettingDefinition.all.map(\.fileKey)))
        for definition in SettingDefinition.all {
            #expect(members[definition.fileKey] == definition.configValue(in: Settings()), "\(definition.fileKey)")
        }
    }
}
