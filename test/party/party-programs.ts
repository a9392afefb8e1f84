/**
 * The committee's and an agency's programs in miniature, made of the party building blocks the
 * way the party modes will wire them: read the others, certify / request, publish, report what
 * is awaited. Genesis here is the sealers' IDs with the plan's pinned timestamp (the real
 * program freezes it with GroupGenesis).
 */
import * as pulumi from "@pulumi/pulumi";
import { anchoredTo, openExchange, pinCommittee, readParties, reportWaiting } from "../../components/exchange";
import { agencyRequests, certificatesFromCommittee } from "../../components/party-agency";
import { certifyAgencies } from "../../components/party-certification";
import { ChainAuthority } from "../../components/chain-authority";
import type { BundleGenesis, PartyBundle } from "../../infra/exchange/bundle";
import { anchorsOf, fingerprintsOf } from "../../infra/exchange/exchange";
import { checkAgencyRequests } from "../../infra/party/agency-requests";
import { agencyBundleContent, committeeBundleContent } from "../../infra/party/party-bundles";
import type { ExchangeSetting } from "../../infra/party/settings";
import { agencyWaits, committeeWaits } from "../../infra/party/waiting";
import { KeyPair } from "../../infra/providers/key-pair";
import type { Model } from "../../infra/topology/types";

const validity = { validityDays: 3650, renewBeforeDays: 30 };

export function committeeProgram(plan: Model, setting: ExchangeSetting, log: (line: string) => void) {
  return async () => {
    const exchange = openExchange(setting);
    // Everything read and checked before the first resource: a refused request changes nothing.
    const read = await readParties(
      exchange.source,
      plan.agencies.map((a) => a.name),
      plan,
    );
    const requests = checkAgencyRequests(plan, Object.fromEntries(Object.entries(read).map(([party, r]) => [party, r.bundle])));
    const authority = new ChainAuthority("chain", { smCrypto: plan.chain.smCrypto, validity });
    const sources = Object.fromEntries(Object.entries(read).map(([party, r]) => [party, r.published.source]));
    const issued = certifyAgencies({ requests, sources, authority: { std: authority.std, gm: authority.gm }, validity });
    const anchors = pulumi.all([authority.gmCertPem, authority.certPem]).apply(([gm, std]) => ({ gm: gm || undefined, std }));
    // Values that reach resources come from bundles whose agency certificates chain to this committee.
    const agencies = pulumi.all(Object.fromEntries(Object.entries(read).map(([party, r]) => [party, anchoredTo(r, plan, anchors)])));
    const genesis = agencies.apply((bundles) =>
      plan.groups.flatMap((g): BundleGenesis[] => {
        const ids = g.sealers.map(
          (s) =>
            Object.values(bundles)
              .flatMap((b) => b.nodes)
              .find((n) => n.name === s)?.nodeId,
        );
        return ids.every((id) => id) ? [{ groupId: g.id, timestamp: g.timestamp ?? 0, sealerIds: ids as string[] }] : [];
      }),
    );
    const content = pulumi
      .all([anchors, pulumi.all(issued), genesis])
      .apply(([chainCa, certs, frozen]) => committeeBundleContent({ plan, chainCa: { gm: chainCa.gm, std: chainCa.std! }, issued: certs, genesis: frozen }));
    const signer = authority.gm ?? authority.std;
    const published = exchange.publish("committee", {
      content,
      signingKeyPem: signer.privateKeyPem,
      heldSecrets: [authority.std.privateKeyPem, ...(authority.gm ? [authority.gm.privateKeyPem] : [])],
    });
    const waits = pulumi.all([agencies, genesis]).apply(([bundles, frozen]) =>
      committeeWaits(
        plan,
        bundles,
        frozen.map((g) => g.groupId),
      ),
    );
    return {
      bundle: published.text,
      chainCaFingerprints: anchors.apply(fingerprintsOf),
      waitingFor: reportWaiting("committee", waits, log),
    };
  };
}

export function agencyProgram(plan: Model, agency: string, setting: ExchangeSetting, log: (line: string) => void) {
  return async () => {
    const exchange = openExchange(setting);
    const requests = agencyRequests(agency, plan.chain.smCrypto);
    const own = plan.nodes.filter((n) => n.agency === agency);
    const nodeKeys = own.map(
      (n) => new KeyPair(`${n.name}-${plan.chain.smCrypto ? "gmnode" : "node"}-key`, { algorithm: plan.chain.smCrypto ? "sm2" : "secp256k1" }),
    );
    const others = plan.agencies.map((a) => a.name).filter((a) => a !== agency);
    const read = await readParties(exchange.source, ["committee", ...others], plan);
    const pinned = read.committee ? pinCommittee(read.committee) : undefined;
    const committee: pulumi.Output<PartyBundle | undefined> = pinned ? pinned.bundle : pulumi.output(undefined);
    const anchors = committee.apply((c) => (c ? anchorsOf(c) : undefined));
    const otherBundles = pulumi.all(
      Object.fromEntries(others.filter((o) => read[o]).map((o) => [o, anchors.apply((a) => anchoredTo(read[o], plan, a ?? {}))])),
    );
    const certificates = certificatesFromCommittee(committee, agency, requests.keys);
    const nodeIds = pulumi.all(Object.fromEntries(own.map((n, i) => [n.name, nodeKeys[i].publicKeyHex])));
    const content = pulumi
      .all([pulumi.all(requests.csrs), certificates, nodeIds])
      .apply(([csrs, certs, ids]) => agencyBundleContent({ plan, agency, csrs, certificates: certs, nodeIds: ids }));
    const published = exchange.publish(agency, {
      content,
      signingKeyPem: requests.signingKeyPem,
      heldSecrets: [requests.keys.std, ...(requests.keys.gm ? [requests.keys.gm] : []), ...nodeKeys].map((k) => k.privateKeyPem),
    });
    const waits = pulumi.all([committee, otherBundles]).apply(([c, o]) => agencyWaits(plan, agency, c, o));
    return { bundle: published.text, waitingFor: reportWaiting(agency, waits, log) };
  };
}
