// The Pulumi entry point (Pulumi.yaml `main`). The runtime calls the exported function and
// uses what it returns as the stack outputs.
import { pilotLight } from "./pilotLight";

export = pilotLight;
