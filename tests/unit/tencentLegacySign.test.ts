import { strict as assert } from "node:assert";
import { classifyLegacyCode, legacyRegion, legacySign, legacySignatureSource } from "../../provider/clouds/tencentLegacy";

describe("legacy v2 signing (documented vectors)", () => {
    const docParams = {
        Action: "DescribeInstances",
        "InstanceIds.0": "ins-09dx96dg",
        Nonce: "11886",
        Region: "ap-guangzhou",
        SecretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
        Timestamp: "1465185768",
    };

    it("reproduces the official HmacSHA256 and HmacSHA1 examples", () => {
        const src256 = legacySignatureSource("GET", "cvm.api.qcloud.com", "/v2/index.php", { ...docParams, SignatureMethod: "HmacSHA256" });
        assert.equal(
            src256,
            "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Timestamp=1465185768",
        );
        assert.equal(legacySign("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA", src256, "HmacSHA256"), "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=");
        const src1 = legacySignatureSource("GET", "cvm.api.qcloud.com", "/v2/index.php", { ...docParams, SignatureMethod: "HmacSHA1" });
        assert.equal(legacySign("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA", src1, "HmacSHA1"), "nPVnY6njQmwQ8ciqbPl5Qe+Oru4=");
    });

    it("sorts by bytes (limit/offset after Timestamp) and reproduces the GetUserCmdTaskList vector", () => {
        const src = legacySignatureSource("GET", "bm.api.qcloud.com", "/v2/index.php", {
            Action: "GetUserCmdTaskList",
            Nonce: "12345",
            Region: "bj",
            SecretId: "AKIDEXAMPLE",
            SignatureMethod: "HmacSHA256",
            Timestamp: "1700000000",
            limit: "20",
            offset: "0",
            Signature: "ignored",
        });
        assert.equal(
            src,
            "GETbm.api.qcloud.com/v2/index.php?Action=GetUserCmdTaskList&Nonce=12345&Region=bj&SecretId=AKIDEXAMPLE&SignatureMethod=HmacSHA256&Timestamp=1700000000&limit=20&offset=0",
        );
        assert.equal(legacySign("SECRETEXAMPLE", src, "HmacSHA256"), "Wqgmcrw39vmUPPpMXoYsmMNcjjb4NmJrtT7L/EvizUE=");
    });

    it("writes _ in keys as . but leaves values alone", () => {
        assert.equal(legacySignatureSource("GET", "h", "/p", { Placement_Zone: "CN_GUANGZHOU" }), "GETh/p?Placement.Zone=CN_GUANGZHOU");
    });

    it("maps region names to legacy codes and classifies codes", () => {
        assert.equal(legacyRegion("ap-guangzhou"), "gz");
        assert.equal(legacyRegion("bj"), "bj");
        assert.equal(classifyLegacyCode("4400"), "throttled");
        assert.equal(classifyLegacyCode("4100"), "auth");
        assert.equal(classifyLegacyCode("4500"), "auth");
        assert.equal(classifyLegacyCode("6000"), "transient");
        assert.equal(classifyLegacyCode("18021"), "client");
    });
});
