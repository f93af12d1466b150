// The app layer's validators as pure functions, with their exact messages.
import { strict as assert } from "assert";
import type { AppTierArgs } from "../../components/app/appTier";
import {
    capacityProblems, domainProblems, nonEmptyProblems, requiredTextProblems, routeTableProblems,
} from "../../components/app/validate";

describe("app validators", () => {
    it("capacityProblems: accepts 0 <= min <= desired <= max (all 0 parks the fleet)", () => {
        assert.deepEqual(capacityProblems(0, 0, 1), []);
        assert.deepEqual(capacityProblems(2, 3, 6), []);
        assert.deepEqual(capacityProblems(2, 2, 2), []);
    });

    it("capacityProblems: names the field and value of each bad size", () => {
        assert.deepEqual(capacityProblems(3, 2, 4), ["minSize (3) must be <= desiredCapacity (2)"]);
        assert.deepEqual(capacityProblems(1, 5, 4), ["desiredCapacity (5) must be <= maxSize (4)"]);
        assert.deepEqual(capacityProblems(5, 4, 3), ["minSize (5) must be <= desiredCapacity (4)", "desiredCapacity (4) must be <= maxSize (3)"]);
        assert.deepEqual(capacityProblems(-1, 1.5, -2), [
            "minSize must be an integer >= 0, got -1",
            "desiredCapacity must be an integer >= 0, got 1.5",
            "maxSize must be an integer >= 0, got -2",
        ]);
        // Parked: no instances at all.
        assert.deepEqual(capacityProblems(0, 0, 0), []);
    });

    it("nonEmptyProblems and requiredTextProblems", () => {
        assert.deepEqual(nonEmptyProblems("network.publicSubnetIds", []), ["network.publicSubnetIds must not be empty"]);
        assert.deepEqual(nonEmptyProblems("subnetIds", undefined), ["subnetIds must not be empty"]);
        assert.deepEqual(nonEmptyProblems("subnetIds", ["subnet-1"]), []);
        assert.deepEqual(requiredTextProblems("instanceType", " "), ["instanceType must not be empty"]);
        assert.deepEqual(requiredTextProblems("instanceType", "t3.medium"), []);
    });

    it("domainProblems: both or neither, and a DNS name", () => {
        assert.deepEqual(domainProblems(undefined, undefined), []);
        assert.deepEqual(domainProblems("app.example.com", "Z123"), []);
        assert.deepEqual(domainProblems("app.example.com", undefined),
            ["domainName is set (\"app.example.com\") but hostedZoneId is not; set both for HTTPS on the ALB, or neither for HTTPS through CloudFront (its default certificate)"]);
        assert.deepEqual(domainProblems(undefined, "Z123"),
            ["hostedZoneId is set (\"Z123\") but domainName is not; set both for HTTPS on the ALB, or neither for HTTPS through CloudFront (its default certificate)"]);
        assert.deepEqual(domainProblems("https://app.example.com", "Z123"),
            ["domainName must be a DNS name such as \"app.example.com\", got \"https://app.example.com\""]);
    });

    it("routeTableProblems: one route table per AZ, same order, no duplicate zones", () => {
        assert.deepEqual(routeTableProblems("network.", ["us-east-1a", "us-east-1b"], ["rtb-a", "rtb-b"]), []);
        assert.deepEqual(routeTableProblems("network.", ["us-east-1a", "us-east-1b"], ["rtb-a"]), [
            "network.privateRouteTableIds has 1 entries but network.availabilityZones has 2; give one route table per zone, in the same order",
        ]);
        assert.deepEqual(routeTableProblems("", [], []), ["availabilityZones must not be empty", "privateRouteTableIds must not be empty"]);
        assert.deepEqual(routeTableProblems("", ["us-east-1a", "us-east-1a"], ["rtb-a", "rtb-b"]),
            ["availabilityZones lists \"us-east-1a\" twice; resources are named by zone"]);
    });

    it("appTierProblems: every problem of an AppTier's arguments at once", async () => {
        const { appTierProblems } = await import("../../components/app/appTier");
        const valid: AppTierArgs = {
            network: {
                vpcId: "vpc-1", availabilityZones: ["us-east-1a", "us-east-1b"], publicSubnetIds: ["subnet-pa", "subnet-pb"],
                privateSubnetIds: ["subnet-a", "subnet-b"], privateRouteTableIds: ["rtb-a", "rtb-b"], albSecurityGroupId: "sg-alb",
                appSecurityGroupId: "sg-app", cacheSecurityGroupId: "sg-cache", cacheSubnetGroupName: "cache",
            },
            database: { address: "db", port: 3306, credentialsSecretArn: "arn:db" },
            media: { bucketName: "media", bucketArn: "arn:aws:s3:::media" }, accessLogBucket: "logs",
            imageId: "ami-1", instanceType: "t3.medium", minSize: 1, maxSize: 2, desiredCapacity: 1,
            cacheNodeType: "cache.t4g.small", highAvailability: false, cacheEndpointParameter: "/pilot-light/prod/cache-endpoint",
        };
        assert.deepEqual(appTierProblems(valid), []);
        assert.deepEqual(appTierProblems({
            ...valid,
            network: { ...valid.network, publicSubnetIds: [], privateSubnetIds: [], privateRouteTableIds: ["rtb-a"] },
            instanceType: "", cacheNodeType: "t3.small", minSize: 2, desiredCapacity: 1, hostedZoneId: "Z123",
            cacheEndpointParameter: "/ssm/pilot-light/cache-endpoint",
        }), [
            "network.publicSubnetIds must not be empty",
            "network.privateSubnetIds must not be empty",
            "network.privateRouteTableIds has 1 entries but network.availabilityZones has 2; give one route table per zone, in the same order",
            "instanceType must not be empty",
            "cacheNodeType must be an ElastiCache node type such as \"cache.t4g.small\", got \"t3.small\"",
            "minSize (2) must be <= desiredCapacity (1)",
            "hostedZoneId is set (\"Z123\") but domainName is not; set both for HTTPS on the ALB, or neither for HTTPS through CloudFront (its default certificate)",
            "cacheEndpointParameter must not start with \"aws\" or \"ssm\" (SSM reserves them), got \"/ssm/pilot-light/cache-endpoint\"",
        ]);
    });

    it("cacheEndpointParameterProblems: an SSM parameter path, with a leading slash and SSM's characters only", async () => {
        const { cacheEndpointParameterProblems } = await import("../../components/app/validate");
        assert.deepEqual(cacheEndpointParameterProblems("p", "/pilot-light/dr/cache-endpoint"), []);
        const expected = (v: string) => [`p must be an SSM parameter path such as "/pilot-light/prod/cache-endpoint" (a leading /, then letters, `
            + `digits and _ . - /, at most 1011 characters), got ${JSON.stringify(v)}`];
        for (const bad of ["pilot-light/prod/cache-endpoint", "/pilot light/prod", "/pilot-light//x", "/x/", `/${"a".repeat(1011)}`]) {
            assert.deepEqual(cacheEndpointParameterProblems("p", bad), expected(bad), bad);
        }
        assert.deepEqual(cacheEndpointParameterProblems("p", "/AWS-x/y"), ["p must not start with \"aws\" or \"ssm\" (SSM reserves them), got \"/AWS-x/y\""]);
    });
});
