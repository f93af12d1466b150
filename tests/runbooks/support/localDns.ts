// A tiny authoritative DNS server over UDP (node:dgram) for the fault-injection tests, so the
// runbooks' DNS check runs the real node:dns path (c-ares over the wire) against answers we
// control. It speaks just enough of RFC 1035: one question per query; A, NS and CNAME records
// (a CNAME's target records follow it in the answer section when the server holds them, as an
// authoritative server does for in-zone targets); NODATA (NOERROR, no answer) for a name it
// knows with no record of that type and NXDOMAIN for a name it does not know.
// Wire format: RFC 1035 section 4.1 (header, question, resource records), names as label
// sequences (4.1.4 compression is not used in answers except the pointer to the question).
import * as dgram from "node:dgram";

/** Records by lower-case name without the trailing dot. Values may change while the server runs. */
export interface DnsZoneData {
    A?: Record<string, string[]>;
    NS?: Record<string, string[]>;
    CNAME?: Record<string, string>;
}

export interface LocalDns {
    /** `127.0.0.1:<port>`, for Resolver.setServers. */
    address: string;
    port: number;
    /** Every question, as "TYPE name", in order. */
    questions: string[];
    close(): Promise<void>;
}

const TYPE = { A: 1, NS: 2, CNAME: 5 } as const;
const TYPE_NAME: Record<number, string> = { 1: "A", 2: "NS", 5: "CNAME", 28: "AAAA", 255: "ANY" };

function encodeName(name: string): Buffer {
    const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
    return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")])), Buffer.from([0])]);
}

/** Reads the question's name at `offset`; returns it and the offset after it. */
function decodeName(msg: Buffer, offset: number): { name: string; next: number } {
    const labels: string[] = [];
    let i = offset;
    while (msg[i] !== 0) {
        const len = msg[i];
        labels.push(msg.subarray(i + 1, i + 1 + len).toString("ascii"));
        i += 1 + len;
    }
    return { name: labels.join(".").toLowerCase(), next: i + 1 };
}

function record(name: string, type: number, ttl: number, rdata: Buffer): Buffer {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(type, 0);
    fixed.writeUInt16BE(1, 2); // class IN
    fixed.writeUInt32BE(ttl, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    return Buffer.concat([encodeName(name), fixed, rdata]);
}

const ipv4 = (ip: string) => Buffer.from(ip.split(".").map(Number));

/** The answer records for (name, type), following CNAMEs the server holds; undefined for an unknown name. */
function answer(zone: DnsZoneData, name: string, type: number): Buffer[] | undefined {
    const known = (n: string) => zone.A?.[n] !== undefined || zone.NS?.[n] !== undefined || zone.CNAME?.[n] !== undefined;
    if (!known(name)) return undefined;
    const out: Buffer[] = [];
    let current = name;
    for (let hops = 0; hops < 8; hops++) {
        const cname = zone.CNAME?.[current];
        if (cname !== undefined && type !== TYPE.CNAME) {
            out.push(record(current, TYPE.CNAME, 60, encodeName(cname)));
            current = cname.toLowerCase().replace(/\.$/, "");
            continue;
        }
        if (type === TYPE.A) for (const ip of zone.A?.[current] ?? []) out.push(record(current, TYPE.A, 60, ipv4(ip)));
        if (type === TYPE.NS) for (const ns of zone.NS?.[current] ?? []) out.push(record(current, TYPE.NS, 172800, encodeName(ns)));
        if (type === TYPE.CNAME && cname !== undefined) out.push(record(current, TYPE.CNAME, 60, encodeName(cname)));
        break;
    }
    return out;
}

/** The response to one query message (RFC 1035 4.1.1 header flags: QR, AA, RD copied, RA; RCODE 0 or 3). */
export function respond(zone: DnsZoneData, query: Buffer): { response: Buffer; question: string } {
    const id = query.readUInt16BE(0);
    const rd = query[2] & 0x01;
    const { name, next } = decodeName(query, 12);
    const qtype = query.readUInt16BE(next);
    const questionSection = query.subarray(12, next + 4);
    const answers = answer(zone, name, qtype);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header[2] = 0x80 | 0x04 | rd; // QR=1 (response), AA=1, RD as asked
    header[3] = 0x80 | (answers === undefined ? 3 : 0); // RA=1, RCODE NXDOMAIN or NOERROR
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers?.length ?? 0, 6);
    return { response: Buffer.concat([header, questionSection, ...(answers ?? [])]), question: `${TYPE_NAME[qtype] ?? qtype} ${name}` };
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function localDns(zone: DnsZoneData): Promise<LocalDns> {
    const socket = dgram.createSocket("udp4");
    const questions: string[] = [];
    socket.on("message", (msg, rinfo) => {
        const { response, question } = respond(zone, msg);
        questions.push(question);
        socket.send(response, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const port = socket.address().port;
    return {
        address: `127.0.0.1:${port}`, port, questions,
        close: () => new Promise((resolve) => socket.close(() => resolve())),
    };
}
