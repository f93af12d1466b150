// secrets-not-in-user-data against every user-data script of the seed templates (the source
// material, tests/fixtures/seedUserData.ts), and against our own stacks' user data.
import { strict as assert } from "assert";
import { findUserDataSecrets, userDataTexts } from "../../policies/ec2/userData";
import { SEED_ADMIN_PASSWORD, SEED_USER_DATA } from "../fixtures/seedUserData";
import { cleanShapes } from "./stackShapes";
import { findings, PROD_REGION, res, Stack } from "./support";

describe("secrets-not-in-user-data: the seed templates and our own user data", function () {
    this.timeout(600000);

    it("catches the Jenkins admin password of each seed script (a dotted Java-style option), and nothing else", () => {
        assert.deepEqual(SEED_USER_DATA.map((s) => [s.source, findUserDataSecrets(s.script)]), [
            ["000_b5eef489848a91ec.txt:436-443 (recovery.json, Server)", [{ line: 4, what: "--argumentsRealm.passwd.admin=…" }]],
            ["000_b5eef489848a91ec.txt:672-685 (multiaz.json, LaunchConfiguration)", [{ line: 4, what: "--argumentsRealm.passwd.admin=…" }]],
            ["000_b5eef489848a91ec.txt:757-770 (multiaz.json, annotated copy)", [{ line: 4, what: "--argumentsRealm.passwd.admin=…" }]],
            ["000_b5eef489848a91ec.txt:1244-1262 (multiaz-elasticip.json, LaunchConfiguration)", [{ line: 7, what: "--argumentsRealm.passwd.admin=…" }]],
        ]);
    });

    it("reports the seed's leak on an instance (plain text) and a launch template (base64), never echoing the password", async () => {
        const stack = new Stack([
            res("aws:ec2/instance:Instance", "jenkins", { userData: SEED_USER_DATA[0].script }),
            res("aws:ec2/launchTemplate:LaunchTemplate", "jenkins", { userData: Buffer.from(SEED_USER_DATA[3].script).toString("base64") }),
        ]);
        const found = await findings(stack, PROD_REGION, "secrets-not-in-user-data");
        assert.deepEqual(found.map((f) => f.message), [
            "userData of instance \"jenkins\" holds literal secrets (line 4: --argumentsRealm.passwd.admin=…); fetch them at boot from Secrets Manager or SSM Parameter Store instead",
            "userData of launch template \"jenkins\" holds literal secrets (line 7: --argumentsRealm.passwd.admin=…); fetch them at boot from Secrets Manager or SSM Parameter Store instead",
        ]);
        assert.ok(found.every((f) => !f.message.includes(SEED_ADMIN_PASSWORD)));
    });

    it("catches -D system properties and dotted options holding secrets, but not references or other options", () => {
        assert.deepEqual(findUserDataSecrets([
            "java -Dadmin.password=hunter2 -jar app.jar",
            "JAVA_OPTS=\"-Djavax.net.ssl.keyStorePassword=changeit -Xmx1g\"",
            "java -Dpassword=abc -jar app.jar",
            "exec app --spring.datasource.password=s3cr3t",
        ].join("\n")), [
            { line: 1, what: "-Dadmin.password=…" },
            { line: 2, what: "-Djavax.net.ssl.keyStorePassword=…" },
            { line: 3, what: "-Dpassword=…" },
            { line: 4, what: "--spring.datasource.password=…" },
        ]);
        assert.deepEqual(findUserDataSecrets([
            "java -Dspring.datasource.password=$DB_PASSWORD -Dpassword.file=/run/secrets/db -jar app.jar",
            "java -Dadmin.password=\"$(cat /run/secrets/admin)\" -Dfoo.bar=1 -jar app.jar",
            "sed -i 's/ARGS=\"\"/ARGS=\"--argumentsRealm.roles.admin=admin\"/' /etc/sysconfig/jenkins",
        ].join("\n")), []);
    });

    it("finds nothing in our own user data: the web tier and the singleton in every mode, dr promoted", async () => {
        let scripts = 0;
        for (const shape of await cleanShapes()) {
            for (const r of shape.plan.resources.filter((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate" || x.type === "aws:ec2/instance:Instance")) {
                for (const text of [...userDataTexts(r.inputs.userData), ...userDataTexts(r.inputs.userDataBase64)]) {
                    scripts++;
                    assert.deepEqual(findUserDataSecrets(text), [], `${shape.label}: ${r.name}`);
                }
            }
        }
        // The web tier's launch template in the five prod plans, in dr standby and in dr promoted
        // (7: dr's is made in standby, pilot-light:standbyNatGateway), the singleton's instance or
        // launch template in the five prod plans (5), and standby-failover's standby instance (1).
        assert.equal(scripts, 13);
    });
});
