import ESCOStandIns
import Foundation
import TestSupport
import Testing

extension SuperviseE2E {
    /// Issue 10 item 3, end to end: the vectorizer's identity is part of "completed".
    @Suite struct VectorizerIdentity {
        /// The config with `lines` added to its vectorizer section.
        func withVectorizerSettings(_ config: String, _ lines: String) throws -> String {
            let text = try String(contentsOfFile: config, encoding: .utf8)
            let changed = text.replacingOccurrences(of: "    vectorizer:\n", with: "    vectorizer:\n" + lines)
            #expect(changed != text)
            let path = config + ".changed.yaml"
            try changed.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        /// The vectorizer's count of texts embedded (`texts`) or of different texts asked for (`distinctTexts`).
        func vectorizerCount(_ vectorizer: String, _ key: String = "texts") throws -> Int {
            let r = try RawHTTP.request(vectorizer, "GET", "/_standin/stats")
            return (try r.json() as? [String: Any])?[key] as? Int ?? -1
        }

        @Test func aModelChangeInTheConfigurationMarksDataOutdatedAndTheSupervisorReingests() async throws {
            try await E2EStack.with { stack in
                let config = try stack.config()
                let cold = try await supervise(config, ["run"])
                #expect(cold.status == 0, "\(cold.process.stderr.suffix(3000))")
                let first = try #require(try stack.store.state())
                #expect(
                    first.string("fingerprint").hasSuffix(
                        ";model=sentence-transformers/all-MiniLM-L6-v2;tokenize=direct"))
                #expect(
                    first.details.contains("\"model\":\"sentence-transformers\\/all-MiniLM-L6-v2\"")
                        || first.details.contains("\"model\":\"sentence-transformers/all-MiniLM-L6-v2\""),
                    "\(first.details)")
                let textsAfterCold = try vectorizerCount(stack.vectorizer)
                let distinctAfterCold = try vectorizerCount(stack.vectorizer, "distinctTexts")
                #expect(distinctAfterCold > 500, "the sample's labels and descriptions: \(distinctAfterCold)")

                let other = try withVectorizerSettings(config, "      model: org/another-model\n")
                let status = try await supervise(other, ["status"])
                #expect(status.status == 2)
                #expect(status.process.stdout.contains("outdated"), "\(status.process.stdout)")

                let rerun = try await supervise(other, ["run"])
                #expect(rerun.status == 0, "\(rerun.process.stderr.suffix(3000))")
                #expect(rerun.process.stderr.contains("outdated"), "\(rerun.process.stderr.suffix(3000))")
                let second = try #require(try stack.store.state())
                #expect(second.status == "completed")
                #expect(second.string("fingerprint").hasSuffix(";model=org/another-model;tokenize=direct"))
                // The shared vector cache holds every text under the old model: none of it was read, so every
                // text the cold run needed is embedded again. (Raw request counts are not compared: concurrent
                // workers may both ask for a text neither has cached yet, so the cold count varies run to run.)
                let textsAfterRerun = try vectorizerCount(stack.vectorizer)
                #expect(
                    textsAfterRerun - textsAfterCold >= distinctAfterCold,
                    "re-vectorised \(textsAfterRerun - textsAfterCold), the cold run needed \(distinctAfterCold)")
                try await E2EExpect.exactData(stack.store)
            }
        }

        @Test func verifyAndStatusReportAVectorizerServingAnotherModel() async throws {
            try await withTemporaryDirectory { dir in
                try await withWeaviateStandIn { weaviate in
                    try await withVectorizerStandIn { vectorizer in
                        try await withVectorizerStandIn(.init(dimensions: 256, modelType: "swapped-model")) { swapped in
                            let stack = E2EStack(dir: dir, weaviate: weaviate, vectorizer: vectorizer)
                            let cold = try await supervise(try stack.config(), ["run"])
                            #expect(cold.status == 0, "\(cold.process.stderr.suffix(3000))")

                            // Same configuration, but the URL now reaches a server with another model.
                            let config = try stack.config(vectorizerURL: swapped, name: "swapped")
                            let verify = try await supervise(config, ["verify"])
                            #expect(verify.status == 2)
                            #expect(verify.process.stdout.contains("vectorizer"), "\(verify.process.stdout)")
                            #expect(verify.process.stdout.contains("swapped-model"), "\(verify.process.stdout)")
                            #expect(
                                verify.process.stdout.contains(VectorizerStandIn.defaultModelType),
                                "names the stored identity too: \(verify.process.stdout)")

                            let status = try await Harness.run(
                                DatasetPaths.escoBinary, ["status", "--config", config, "--profile", "test"],
                                environment: ["NON_INTERACTIVE": "true"])
                            #expect(status.status == 2)
                            #expect(status.stdout.contains("MISMATCH"), "\(status.stdout)")
                            #expect(status.stdout.contains("swapped-model"))
                        }
                    }
                }
            }
        }
    }
}
