// `npm run prices`: the Price List Query API mocked with aws-sdk-client-mock, answering
// GetProducts with PriceList entries in the shape the API returns them (JSON strings: product
// with sku and attributes, OnDemand terms with price dimensions, publicationDate), including
// faults: a hanging endpoint, throttling, missing credentials.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { mockClient } from "aws-sdk-client-mock";
import { main, parsePricesArgs } from "../../ops/prices";
import { readProduct } from "../../ops/pricing/priceList";
import { priceListEndpointRegion } from "../../ops/pricing/refresh";
import { loadPriceTable } from "../../ops/report/prices";

/** One PriceList entry as GetProducts returns it: a JSON string. */
function entry(sku: string, attributes: Record<string, string>, dimensions: { price: string; begin?: string }[], currency = "USD"): string {
    const term = `${sku}.JRTCKXETXF`;
    return JSON.stringify({
        product: { productFamily: attributes.productFamily ?? "Compute Instance", attributes, sku },
        serviceCode: attributes.servicecode,
        terms: { OnDemand: { [term]: {
            priceDimensions: Object.fromEntries(dimensions.map((d, i) => [`${term}.6YS6EN2CT${i}`, {
                unit: "Hrs", endRange: "Inf", description: "recorded", appliesTo: [], rateCode: `${term}.6YS6EN2CT${i}`,
                beginRange: d.begin ?? "0", pricePerUnit: { [currency]: d.price },
            }])),
            sku, effectiveDate: "2026-11-01T00:00:00Z", offerTermCode: "JRTCKXETXF", termAttributes: {},
        } } },
        version: "20261101000000",
        publicationDate: "2026-11-01T00:00:00Z",
    });
}

const filter = (input: any, field: string) => input.Filters.find((f: any) => f.Field === field)?.Value;

/** A tiny catalogue: t3.medium and KMS in us-east-1 (USD) and cn-north-1 (CNY); nothing else. */
function catalogue(input: any): string[] {
    const region = filter(input, "regionCode");
    const currency = region?.startsWith("cn-") ? "CNY" : "USD";
    if (input.ServiceCode === "AmazonEC2" && filter(input, "instanceType") === "t3.medium") {
        return [entry("SKUT3MED", { servicecode: "AmazonEC2", instanceType: "t3.medium", regionCode: region, usagetype: "BoxUsage:t3.medium" },
            [{ price: currency === "CNY" ? "0.3400000000" : "0.0416000000" }], currency)];
    }
    if (input.ServiceCode === "awskms") {
        return [
            entry("SKUKMSREQ", { servicecode: "awskms", regionCode: region, usagetype: "KMS-Requests" }, [{ price: "0.0000030000" }], currency),
            entry("SKUKMSKEY", { servicecode: "awskms", regionCode: region, usagetype: `${currency === "CNY" ? "CNN1-" : ""}KMS-Keys`, productFamily: "Encryption Key" },
                [{ price: currency === "CNY" ? "7.0000000000" : "1.0000000000" }], currency),
        ];
    }
    return [];
}

function tableFile(): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "prices-")), "priceTable.json");
    fs.writeFileSync(file, JSON.stringify({
        "us-east-1": { currency: "USD", asOf: "2025-01-01", figures: {
            ec2InstanceHour: { "t3.medium": { value: 0.04, source: "old page" } },
            natGatewayHour: { value: 0.045, source: "old page" },
        } },
    }));
    return file;
}

describe("ops: npm run prices (Price List API, mocked)", function () {
    const pricing = mockClient(PricingClient);
    const log: string[] = [];
    const sleeps: number[] = [];
    const clientsFor: string[] = [];
    const deps = {
        client: (region: string) => { clientsFor.push(region); return new PricingClient({ region, credentials: { accessKeyId: "AKIATEST", secretAccessKey: "test" } }); },
        today: () => "2026-12-01",
        log: (l: string) => log.push(l),
        sleep: async (ms: number) => { sleeps.push(ms); },
    };

    beforeEach(() => {
        pricing.reset();
        log.length = 0;
        sleeps.length = 0;
        clientsFor.length = 0;
    });

    it("reads a PriceList entry: the first non-free tier in the offer's currency, with SKU, term and publication", () => {
        assert.deepStrictEqual(readProduct(entry("S3STD", { usagetype: "USW2-TimedStorage-ByteHrs" },
            [{ price: "0.0230000000", begin: "0" }, { price: "0.0220000000", begin: "51200" }]), "USD"), {
            sku: "S3STD", usagetype: "USW2-TimedStorage-ByteHrs", price: 0.023, currency: "USD", offerTermCode: "JRTCKXETXF",
            publicationDate: "2026-11-01T00:00:00Z" });
        assert.equal(readProduct(entry("CWALARM", { usagetype: "CW:AlarmMonitorUsage" }, [{ price: "0", begin: "0" }, { price: "0.1", begin: "10" }]), "USD")?.price, 0.1);
        assert.equal(readProduct(entry("CNY1", { usagetype: "x" }, [{ price: "1" }], "CNY"), "USD"), undefined);
        assert.throws(() => readProduct("{not json", "USD"), /^Error: a PriceList entry is not JSON/);
    });

    it("uses the China endpoint for the China regions and us-east-1 for the others", () => {
        assert.deepStrictEqual(["cn-north-1", "cn-northwest-1", "us-west-2", "us-gov-west-1"].map(priceListEndpointRegion),
            ["cn-northwest-1", "cn-northwest-1", "us-east-1", "us-east-1"]);
    });

    it("refreshes a region: figures found get the SKU as source, the others are kept and listed", async () => {
        pricing.on(GetProductsCommand).callsFake((input) => ({ PriceList: catalogue(input), FormatVersion: "aws_v1" }));
        const file = tableFile();
        assert.equal(await main(["--region", "us-east-1", "--file", file], deps), 0, log.join("\n"));
        const us = loadPriceTable(file)["us-east-1"];
        assert.deepStrictEqual([us.currency, us.asOf], ["USD", "2026-12-01"]);
        assert.deepStrictEqual(us.figures.ec2InstanceHour, { "t3.medium": { value: 0.0416, asOf: "2026-11-01",
            source: "Price List API AmazonEC2 SKU SKUT3MED, offer term JRTCKXETXF, usage type BoxUsage:t3.medium (publication 2026-11-01T00:00:00Z)" } });
        assert.deepStrictEqual(us.figures.kmsKeyMonth, { value: 1, asOf: "2026-11-01",
            source: "Price List API awskms SKU SKUKMSKEY, offer term JRTCKXETXF, usage type KMS-Keys (publication 2026-11-01T00:00:00Z)" });
        // Not answered: the old figure stays, with its own date; nothing is invented for the rest.
        assert.deepStrictEqual(us.figures.natGatewayHour, { value: 0.045, source: "old page", asOf: "2025-01-01" });
        assert.equal(us.figures.s3StandardGbMonth, undefined);
        assert.ok(log.some((l) => l.startsWith("us-east-1: 2 figures refreshed (USD); not found, kept as they were when the table had them:\n")
            && l.includes("  - natGatewayHour: no product matched (AmazonEC2, usage type *NatGateway-Hours)")), log.join("\n"));
        // Every GetProducts call names the service and filters on the priced region.
        assert.ok(pricing.commandCalls(GetProductsCommand).every((c) => filter(c.args[0].input, "regionCode") === "us-east-1"
            || filter(c.args[0].input, "fromRegionCode") === "us-east-1" || ["AmazonRoute53", "AmazonCloudFront"].includes(String(c.args[0].input.ServiceCode))));
        assert.deepStrictEqual([...new Set(clientsFor)], ["us-east-1"]);
    });

    it("prices a China region from the China endpoint in CNY", async () => {
        pricing.on(GetProductsCommand).callsFake((input) => ({ PriceList: catalogue(input) }));
        const file = tableFile();
        assert.equal(await main(["--region", "cn-north-1", "--file", file], deps), 0, log.join("\n"));
        const cn = loadPriceTable(file)["cn-north-1"];
        assert.deepStrictEqual([cn.currency, cn.figures.ec2InstanceHour?.["t3.medium"].value, cn.figures.kmsKeyMonth?.value], ["CNY", 0.34, 7]);
        assert.deepStrictEqual([...new Set(clientsFor)], ["cn-northwest-1"]);
    });

    it("retries a hanging endpoint within a deadline and fails naming the service, region and attempts; the file is untouched", async () => {
        pricing.on(GetProductsCommand).callsFake(() => new Promise(() => { /* never answers */ }));
        const file = tableFile();
        const before = fs.readFileSync(file, "utf8");
        assert.equal(await main(["--region", "us-west-2", "--file", file, "--timeout-ms", "100"], deps), 1);
        assert.equal(log[log.length - 1], "the Price List API (service pricing) in us-east-1 is unreachable or failing after 3 attempts "
            + "(GetProducts AmazonEC2, each with a 100 ms deadline): TimeoutError: GetProducts AmazonEC2 from the Price List API (service pricing) in us-east-1 timed out after 100 ms");
        assert.deepStrictEqual(sleeps, [1000, 2000]);
        assert.equal(fs.readFileSync(file, "utf8"), before);
    });

    it("retries throttling, then succeeds", async () => {
        let calls = 0;
        pricing.on(GetProductsCommand).callsFake((input) => {
            calls++;
            if (calls === 1) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
            return { PriceList: catalogue(input) };
        });
        assert.equal(await main(["--region", "us-east-1", "--file", tableFile()], deps), 0, log.join("\n"));
        assert.deepStrictEqual(sleeps, [1000]);
    });

    it("says what to do without credentials, and refuses an unknown region before any call", async () => {
        pricing.on(GetProductsCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
        assert.equal(await main(["--region", "cn-northwest-1", "--file", tableFile()], deps), 1);
        assert.equal(log[log.length - 1], "no AWS credentials for the Price List API (service pricing) in cn-northwest-1: CredentialsProviderError: "
            + "Could not load credentials from any providers. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, of an account in the China regions (aws-cn).");
        assert.deepStrictEqual(sleeps, [], "no retry without credentials");

        pricing.reset();
        assert.equal(await main(["--region", "us-east-1", "--region", "mars-north-1"], deps), 2);
        assert.match(log[log.length - 1], /^--region "mars-north-1": not an AWS region; expected one of af-south-1, /);
        assert.equal(pricing.commandCalls(GetProductsCommand).length, 0);
        assert.throws(() => parsePricesArgs(["--region", "us-east-1", "--timeout-ms", "5"]), /^Error: --timeout-ms "5": expected a whole number of ms, at least 100/);
    });

    it("writes nothing when the API answers no figure for the region", async () => {
        pricing.on(GetProductsCommand).resolves({ PriceList: [] });
        const file = tableFile();
        const before = fs.readFileSync(file, "utf8");
        assert.equal(await main(["--region", "us-east-1", "--file", file], deps), 1);
        assert.match(log[log.length - 1], /^us-east-1: the Price List API in us-east-1 answered no figure; nothing is written\. Is us-east-1 priced there\?\n/);
        assert.equal(fs.readFileSync(file, "utf8"), before);
    });
});
