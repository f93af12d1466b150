// ops/policy/protobufStrings.ts: a long string goes to the policy pack as the same bytes the
// google-protobuf writer would have written, and the pack's own decoder reads it back.
import { strict as assert } from "assert";
import * as path from "path";
import { LONG_STRING, libraryWriteString } from "../../ops/policy/protobufStrings";

const PROTOBUF = require.resolve("google-protobuf", { paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"))] });
const { BinaryWriter } = require(PROTOBUF);
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(PROTOBUF)] }));
const pb = require("@pulumi/pulumi/proto/analyzer_pb");

/** The bytes of an AnalyzeRequest whose properties hold `text`, written with `writeString`. */
function encoded(text: string, writeString: (field: number, value: string) => void): Uint8Array {
    const saved = BinaryWriter.prototype.writeString;
    BinaryWriter.prototype.writeString = writeString;
    try {
        const req = new pb.AnalyzeRequest();
        req.setUrn("urn:pulumi:prod::pilot-light::aws:lambda/function:Function::fn");
        req.setProperties(Struct.fromJavaScript({ code: { assets: { "index.js": { text } } }, short: "é" }));
        return req.serializeBinary();
    } finally {
        BinaryWriter.prototype.writeString = saved;
    }
}

describe("policy host: long strings in the messages to the pack", () => {
    const texts: [string, string, boolean][] = [
        ["ASCII", "x".repeat(LONG_STRING), true],
        ["two-, three- and four-byte characters", "é€😀\u0000".repeat(LONG_STRING), true],
        ["a lone surrogate (the library's own encoding)", `${"a".repeat(LONG_STRING)}\uD800z`, false],
        ["a short string (the library)", "é€😀", true],
    ];
    for (const [label, text, wellFormed] of texts) {
        it(`${label}: the same bytes as google-protobuf's writer, read back as the same string`, () => {
            const ours = encoded(text, BinaryWriter.prototype.writeString);
            assert.deepEqual(Buffer.from(ours), Buffer.from(encoded(text, libraryWriteString)));
            const back = pb.AnalyzeRequest.deserializeBinary(ours).getProperties().toJavaScript();
            if (wellFormed) assert.equal(back.code.assets["index.js"].text, text);
        });
    }

    it("is installed for the host's messages, and the library's writer is kept", () => {
        assert.notEqual(BinaryWriter.prototype.writeString, libraryWriteString);
    });
});
