// The CloudFront Function that gives the WAF the viewer's address (components/app/cdn.ts), run
// on CloudFront Functions' event shape: header names in lower case, each a { value } object.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
import { strict as assert } from "assert";
import * as vm from "vm";
import { VIEWER_IP_FUNCTION_CODE, VIEWER_IP_HEADER } from "../../components/app/cdn";
import { CLOUDFRONT_CLIENT_IP } from "../../components/app/waf";

function run(event: any): any {
    const context = vm.createContext({});
    // The result crosses back as JSON: objects made in the function's own realm have its prototypes.
    vm.runInContext(`${VIEWER_IP_FUNCTION_CODE}\nthis.result = JSON.stringify(handler(${JSON.stringify(event)}));`, context);
    return JSON.parse((context as any).result);
}

describe("app/cdn: the viewer-IP function", () => {
    const request = (headers: Record<string, { value: string }>) => ({
        version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "203.0.113.7" },
        request: { method: "POST", uri: "/wp-login.php", querystring: {}, headers, cookies: {} },
    });

    it("sets the header from the viewer's address and keeps the request otherwise", () => {
        const out = run(request({ host: { value: "d111111abcdef8.cloudfront.net" } }));
        assert.deepEqual(out, {
            method: "POST", uri: "/wp-login.php", querystring: {}, cookies: {},
            headers: { "host": { value: "d111111abcdef8.cloudfront.net" }, "x-pilot-light-viewer-ip": { value: "203.0.113.7" } },
        });
    });

    it("replaces a value the client sent, so a forged address is never counted", () => {
        const out = run(request({ "x-pilot-light-viewer-ip": { value: "198.51.100.1" }, "x-forwarded-for": { value: "198.51.100.1" } }));
        assert.deepEqual(out.headers["x-pilot-light-viewer-ip"], { value: "203.0.113.7" });
        assert.deepEqual(out.headers["x-forwarded-for"], { value: "198.51.100.1" });
    });

    it("is the header the WAF's rate rule reads behind CloudFront", () => {
        assert.deepEqual(CLOUDFRONT_CLIENT_IP, { source: "header", headerName: VIEWER_IP_HEADER });
        assert.equal(VIEWER_IP_HEADER, "X-Pilot-Light-Viewer-Ip");
    });
});
