// The pack's entry point for `pulumi preview --policy-pack policies`. Constructing a PolicyPack
// starts the analyzer's gRPC server (and a second one in the same process exits it), so this
// file does nothing else; everything else imports ./all.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies, PACK_NAME } from "./all";

new PolicyPack(PACK_NAME, {
    description: "Keeps every change to the pilot-light prod and dr stacks recoverable and safe.",
    policies: allPolicies,
});
