import { R, type Requirement } from './requirement-types.js';

/**
 * Requirements of the spanning tree protocol (IEEE 802.1D); merged into `REQUIREMENTS` in layer order.
 * @internal
 */
export const STP_REQUIREMENTS: readonly Requirement[] = [
  R('STP-BPDU-01', 'devices', 'IEEE 802.1D-2004 §9.3.1, §7.12.3; net/bridge/br_stp_bpdu.c', 'a Configuration BPDU is 35 octets (protocol 0, version 0, type 0, flags TC 0x01 / TCA 0x80, root ID, root path cost, bridge ID, port ID, four timers in 1/256 s, big-endian) in an 802.3 length frame with LLC 42 42 03 to 01-80-C2-00-00-00 from the port MAC'),
  R('STP-BPDU-02', 'devices', 'IEEE 802.1D-2004 §9.3.2', 'a Topology Change Notification BPDU is 4 octets (protocol 0, version 0, type 0x80), 7 with the LLC header'),
  R('STP-BPDU-03', 'devices', 'IEEE 802.1D-2004 §9.3', 'every BPDU decodes back to the fields it was encoded from, through the frame and its padding'),
  R('STP-BPDU-04', 'devices', 'IEEE 802.1D-2004 §9.3.4; net/bridge/br_stp_bpdu.c (br_stp_rcv)', 'a frame that is not a valid BPDU (address, length, LLC, protocol, version, type, truncation, Message Age above Max Age, Disabled port) is refused with a typed reason and counted, never thrown'),
  R('STP-OPT-01', 'devices', 'IEEE 802.1D-1998 §8.10.2 (Table 8-3, timer relations); IEEE 802.1D-2004 §9.2.5, §9.2.7, §17.14', 'bridge priority (multiple of 4096), port priority (multiple of 16), path cost (1..65535), timer ranges and 2 × (Forward Delay − 1) ≥ Max Age ≥ 2 × (Hello Time + 1) are enforced with sim.bad-option'),
  R('STP-ID-01', 'devices', 'IEEE 802.1D-2004 §9.2.5, §9.2.7', 'the Bridge ID is the 16-bit priority then the MAC, compared as one number; the Port ID is the 4-bit port priority then the 12-bit port number'),
  R('STP-COST-01', 'devices', 'IEEE 802.1D-1998 §8.10.2 (Table 8-5); net/bridge/br_if.c (port_cost)', 'the default path cost is 100 at 10 Mb/s, 19 at 100 Mb/s and 4 at 1 Gb/s; a configured cost overrides it'),
  R('STP-ROOT-01', 'devices', 'IEEE 802.1D-1998 §8.6.8, §8.6.2.2', 'every bridge of a connected network agrees on the root: the lowest Bridge ID'),
  R('STP-ROLE-01', 'devices', 'IEEE 802.1D-1998 §8.6.8', 'the root port is the port with the lowest root path cost, then designated bridge ID, designated port ID, own port ID; the root path cost is the shortest path'),
  R('STP-ROLE-02', 'devices', 'IEEE 802.1D-1998 §8.6.9, §8.6.11', 'on each link the designated port is the end with the lowest (root path cost, bridge ID, port ID); every other non-root port is blocked'),
  R('STP-STATE-01', 'devices', 'IEEE 802.1D-1998 §8.4, §8.6.12, §8.6.13, §8.7.5', 'a port that becomes root or designated goes Blocking → Listening → Learning → Forwarding, one Forward Delay per step; a port that loses its role goes Blocking at once'),
  R('STP-HELLO-01', 'devices', 'IEEE 802.1D-1998 §8.6.1, §8.6.4, §8.7.1, §8.7.3', 'the root sends a Configuration BPDU on every designated port each Hello Time; other bridges relay on receipt on the root port, adding the time since the root sent it plus one tick to Message Age'),
  R('STP-HOLD-01', 'devices', 'IEEE 802.1D-1998 §8.6.1, §8.7.8; net/bridge/br_private.h (BR_HOLD_TIME)', 'a port sends at most one Configuration BPDU per Hold Time; one asked for earlier goes out when the hold timer expires'),
  R('STP-AGE-01', 'devices', 'IEEE 802.1D-1998 §8.6.2, §8.7.4', 'information recorded from a BPDU expires Max Age − Message Age after receipt; the port then becomes designated and the bridge reconfigures, becoming the root if nothing better is left'),
  R('STP-TC-01', 'devices', 'IEEE 802.1D-1998 §8.6.6, §8.6.14, §8.6.15, §8.7.6', 'a non-root bridge that detects a topology change (a port entering Forwarding while designated somewhere, or leaving Learning/Forwarding) sends a TCN on its root port every Hello Time until a BPDU with TCA arrives there'),
  R('STP-TC-02', 'devices', 'IEEE 802.1D-1998 §8.3.5, §8.6.14, §8.7.2, §8.7.7', 'a TCN on a designated port is acknowledged with TCA; the root sets Topology Change for Max Age + Forward Delay and every bridge copies the flag from the root\'s BPDUs; while it is set the short ageing time is Forward Delay'),
  R('STP-LINK-01', 'devices', 'IEEE 802.1D-1998 §8.8.2, §8.8.3; net/bridge/br_stp_if.c', 'link down makes a port Disabled and reconfigures the bridge; link up starts it Blocking and runs port state selection'),
  R('STP-CONV-01', 'devices', 'IEEE 802.1D-1998 §8.3; INET StpTester (tree check)', 'on any connected graph with loops, after convergence the links forwarding at both ends form a spanning tree and stay so'),
  R('STP-CONV-02', 'devices', 'IEEE 802.1D-1998 §8.3, §8.7.4', 'after a link of the tree fails, the network reconverges to a spanning tree of each remaining component, rooted at its lowest Bridge ID'),
  R('STP-CNT-01', 'devices', 'iovsim design (frames are never lost silently); net/bridge/br_private.h (bridge_stp_xstats)', 'every frame handed to the engine is counted once: Configuration BPDU, TCN, or a drop with a reason'),
  R('STP-DET-01', 'devices', 'iovsim design (determinism)', 'the same inputs give the same BPDUs at the same cycles, and polling late changes only when frames come out, not what they say'),
];
