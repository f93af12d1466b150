// Long strings, encoded by Node for the gRPC messages this process sends to a policy pack.
// google-protobuf's JavaScript writer (3.21.4, the copy @pulumi/pulumi's stubs load) encodes a
// string to UTF-8 one UTF-16 unit at a time into an array of numbers; a plan holds the Lambda
// bundles' text (about 1.5 MB each), which the engine sends in Analyze and AnalyzeStack, and that
// loop was most of the conformance test's time. A well-formed string's bytes are the same either
// way (tests/policies/protobufStrings.test.ts compares them), so it is written as its UTF-8 bytes:
// both are a length-delimited field (wire type 2). Short strings, and strings with a lone
// surrogate (whose encoding is the library's own), go through the library.
import * as path from "path";

const PROTOBUF = require.resolve("google-protobuf", { paths: [path.dirname(require.resolve("@pulumi/pulumi/proto/analyzer_pb"))] });
const { BinaryWriter } = require(PROTOBUF) as { BinaryWriter: { prototype: Writer } };

interface Writer {
    writeString(field: number, value: string | null | undefined): void;
    writeBytes(field: number, value: Uint8Array): void;
}

/** Strings at least this long are written as their UTF-8 bytes. */
export const LONG_STRING = 4096;

const MARK = Symbol.for("pilot-light:protobuf-strings");
const library = BinaryWriter.prototype.writeString;

/** The library's own writeString, for the comparison test. */
export const libraryWriteString: Writer["writeString"] = (library as any)[MARK] ?? library;

if (!(MARK in library)) {
    const writeString = function (this: Writer, field: number, value: string | null | undefined): void {
        if (typeof value === "string" && value.length >= LONG_STRING && (value as string & { isWellFormed(): boolean }).isWellFormed()) {
            this.writeBytes(field, Buffer.from(value, "utf8"));
        } else {
            library.call(this, field, value);
        }
    };
    Object.defineProperty(writeString, MARK, { value: library });
    BinaryWriter.prototype.writeString = writeString;
}
