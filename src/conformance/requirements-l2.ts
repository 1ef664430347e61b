import { R, type Requirement } from './requirement-types.js';

/**
 * Requirements of layer 2: filtering database, forwarding decision, bridge, switch, VLANs, replay; merged into `REQUIREMENTS` in layer order.
 * @internal
 */
export const L2_REQUIREMENTS: readonly Requirement[] = [
  R('FDB-LEARN-01', 'devices', 'IEEE 802.1Q-2022 §8.7 (Learning Process); net/bridge/br_fdb.c (br_fdb_update)', 'a valid source is learned as (VLAN, MAC) → ingress port; seen on another port the entry moves (station move); learn reports learned, refreshed or moved'),
  R('FDB-AGE-01', 'devices', 'IEEE 802.1Q-2022 §8.8.3 (ageing of dynamic entries); net/bridge/br_fdb.c (has_expired)', 'a dynamic entry is gone exactly the ageing time after its address was last seen as a source; forwarding to it does not refresh it; expiry is lazy, so no result depends on sweeps'),
  R('FDB-AGE-02', 'devices', 'net/bridge/br_fdb.c (hold_time 0 in br_fdb_update); IEEE 802.1Q-2022 §8.8.3', 'ageing 0 disables learning (and no dynamic entry survives); a new ageing time set at run time applies at once'),
  R('FDB-AGE-03', 'devices', 'IEEE 802.1Q-2022 §8.8.3, Table 8-6 (default Ageing Time 300 s)', 'the default ageing time is 300 s, expressed in cycles of the configured cycle length (37 500 000 000 cycles of 8 ns)'),
  R('FDB-STATIC-01', 'devices', 'IEEE 802.1Q-2022 §8.8.1 (static filtering entries); net/bridge/br_fdb.c (sticky)', 'static entries never age; sticky static entries never move; in the ieee profile learning never overrides a static entry'),
  R('FDB-STATIC-02', 'devices', 'net/bridge/br_fdb.c (br_fdb_update moves non-sticky entries); observed with the Linux-bridge oracle', 'in the linux profile a non-sticky static entry moves when its address is seen as a source on another port, and stays static'),
  R('FDB-LIMIT-01', 'devices', 'net/bridge/br_fdb.c (fdb_max_learned); IEEE 802.1Q-2022 §8.7 (Filtering Database capacity)', 'at most the limit of learned entries exist at once; further learns are refused and counted; static entries do not count; aged entries free room'),
  R('FDB-MODEL-01', 'devices', 'iovsim design (model-based test)', 'random sequences of learns, lookups, static entries, flushes, ageing changes and waits agree with a naive reference table'),
  R('FWD-ING-01', 'devices', 'IEEE 802.1Q-2022 §8.6.3; net/bridge/br_forward.c (should_deliver)', 'a frame is never sent out of its ingress port unless that port is in hairpin (reflective relay) mode'),
  R('FWD-DUP-01', 'devices', 'IEEE 802.1Q-2022 §8.6.4 (egress)', 'a decision names each egress port at most once, in ascending order'),
  R('FWD-UNI-01', 'devices', 'IEEE 802.1Q-2022 §8.6.3 (frame filtering); net/bridge/br_input.c (br_handle_frame_finish)', 'a unicast to a learned address goes to exactly that port; when that is the ingress port the frame is filtered (dropped, not flooded)'),
  R('FWD-FLOOD-01', 'devices', 'IEEE 802.1Q-2022 §8.6.3; net/bridge/br_forward.c (br_flood: flood, mcast_flood, bcast_flood)', 'unknown unicast, multicast and broadcast reach exactly the other forwarding member ports of the VLAN whose flood flag for that kind is on'),
  R('FWD-SRC-01', 'devices', 'net/bridge/br_input.c (br_handle_frame: !is_valid_ether_addr(source) → drop); IEEE 802.1Q-2022 §8.7', 'a frame with a group or all-zero source is dropped, counted by reason, and not learned'),
  R('FWD-STATE-01', 'devices', 'IEEE 802.1D-2004 §7.4, §17.5 (port states); IEEE 802.1Q-2022 §8.6.1', 'learning happens only on learning and forwarding ports; frames are relayed only from and to forwarding ports'),
  R('FWD-RSV-01', 'devices', 'IEEE 802.1Q-2022 §8.6.3, Table 8-1 (reserved addresses); IEEE 802.1D-2004 §7.12.3', 'ieee profile: frames to 01-80-C2-00-00-00..0F are never forwarded; BPDUs go to the bridge (local) while STP runs'),
  R('FWD-LNX-01', 'devices', 'net/bridge/br_input.c (br_handle_frame link-local switch, group_fwd_mask); observed with the Linux-bridge oracle', 'linux profile: the bridge group address is flooded when STP is off and local when on; 01 is always dropped; 02..0F are forwarded iff their group_fwd_mask bit is set (bits 0-2 refused); their sources are still learned'),
  R('FWD-LOCAL-01', 'devices', 'net/bridge/br_input.c (BR_FDB_LOCAL → br_pass_frame_up), br_fdb.c (own address as source)', 'frames to the bridge\'s own addresses are local and reach no port; the own addresses are never learned as sources'),
  R('FWD-CNT-01', 'devices', 'iovsim design (frames are never lost silently)', 'every decision is forward, local or drop with a stable reason and counts in exactly one counter'),
  R('FWD-CFG-01', 'devices', 'iovsim design (bad input gets a typed error)', 'bad port counts, port numbers, states, VLAN IDs, group_fwd_mask values, ageing times and times going backwards raise SimError with a stable code'),
  R('FWD-DIFF-01', 'devices', 'Linux 6.18 net/bridge, observed with shared/oracles/linux-bridge/oracle.py', 'the linux profile sends every frame of generated and hand-written sequences to exactly the ports the real Linux bridge does'),
  R('VLAN-ING-01', 'devices', 'IEEE 802.1Q-2022 §8.6.2 (ingress: PVID, ingress filtering), §6.9; net/bridge/br_vlan.c (br_allowed_ingress)', 'untagged and priority-tagged frames take the port\'s PVID; frames of a VLAN the port is not a member of, VID 4095, or untagged frames on a port without PVID are dropped'),
  R('VLAN-EGR-01', 'devices', 'IEEE 802.1Q-2022 §8.6.4 (egress: member set, untagged set)', 'frames leave only member ports of their VLAN, untagged on ports whose untagged set holds the VLAN and tagged with the VID elsewhere'),
  R('VLAN-FDB-01', 'devices', 'IEEE 802.1Q-2022 §8.8 (independent VLAN learning)', 'the filtering database is keyed by (VLAN, MAC): an address learned in one VLAN is unknown in another, and frames never leak between VLANs'),
  R('CLI-REPLAY-01', 'cli', 'iovsim CLI contract; shared/oracles/linux-bridge/oracle.py (input and output formats)', '`iovsim replay` reads the oracle\'s sequence format (frames, static_fdb, wait_s as simulated time) and prints exactly the oracle\'s output line'),
  R('CLI-REPLAY-02', 'cli', 'iovsim CLI contract', '`iovsim replay` exits 2 for unusable input, naming each problem by its JSON path on stderr (bad JSON, field types, ports out of range, bad or reserved MACs, bad flags)'),
  R('FWD-CONF-01', 'devices', 'iovsim design (conformance runner, issue #7): src/conformance/target.ts ForwardingTarget', 'runConformance checks any forwarding target frame by frame (copies attributed by a payload marker, returned at once or collected later); it never throws for a failing, throwing or malformed target and reports each requirement passed, failed (with counterexample, seed and path) or not applicable'),
];
