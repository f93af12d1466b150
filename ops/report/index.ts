// The plan reports: cost estimate (./cost), RTO/RPO estimates (./resilience), the Mermaid
// diagram (./diagram) and the Markdown document that puts them side by side for a PR comment
// (./markdown). All of it works on offline plans (ops/offline) and diffs (ops/diff): no AWS.
export * from "./cost";
export * from "./diagram";
export * from "./markdown";
export * from "./resilience";
