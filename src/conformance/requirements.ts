import { L2_REQUIREMENTS } from './requirements-l2.js';
import { NIC_REQUIREMENTS } from './requirements-nic.js';
import { STP_REQUIREMENTS } from './requirements-stp.js';

export type { Requirement, RequirementLayer } from './requirement-types.js';
import { R, type Requirement, type RequirementLayer } from './requirement-types.js';

/** The catalogue of the register stack, layer 1, formats and the CLI. */
const CORE: readonly Requirement[] = [
  R('BITS-MASK-01', 'bits', 'iovsim design (DEVELOPERS.md, explicit widths)', 'mask, extract and deposit on 32-bit values agree with a bigint reference for every bit range, results unsigned'),
  R('BITS-64-01', 'bits', 'iovsim design (64-bit addresses as bigint)', '64-bit mask, extract and deposit agree with a bigint reference'),
  R('BITS-LE-01', 'bits', 'PCIe Base r6.0 §7.2 (configuration space is little-endian)', 'multi-byte values are read and written least significant byte first'),
  R('REG-DEF-01', 'regs', 'iovsim design (layouts check themselves)', 'a register definition with overlapping fields, fields outside the register, uncovered bits, a misaligned offset or a bad reset value is refused'),
  R('REG-DEF-02', 'regs', 'iovsim design (layouts check themselves)', 'registers overlapping in a block, registers outside their block, and blocks overlapping in a space are refused'),
  R('REG-ACC-01', 'regs', 'PCIe Base r6.0 §7.2.2 (accesses within one naturally aligned DW)', 'only 1-, 2- and 4-byte naturally aligned accesses inside the space are performed; others raise a typed AccessError'),
  R('REG-RO-01', 'regs', 'PCIe Base r6.0 §7.4 (RO, ROS, HwInit)', 'read-only bits never change on a software write'),
  R('REG-RO-02', 'regs', 'PCIe Base r6.0 §7.4', 'a software write that tries to change read-only bits is reported (driver.ro-write, a note), except the BAR sizing probe'),
  R('REG-RW-01', 'regs', 'PCIe Base r6.0 §7.4 (RW, RWS)', 'read-write bits take the written value'),
  R('REG-W1C-01', 'regs', 'PCIe Base r6.0 §7.4 (RW1C, RW1CS)', 'writing 1 clears a write-1-to-clear bit and writing 0 leaves it'),
  R('REG-RSVDP-01', 'regs', 'PCIe Base r6.0 §7.4 (RsvdP)', 'RsvdP bits read back their value and are preserved by software writes'),
  R('REG-RSVDP-02', 'regs', 'PCIe Base r6.0 §7.4 (RsvdP: software preserves the value read)', 'a write that changes RsvdP bits is reported (driver.rsvdp-changed)'),
  R('REG-RSVDZ-01', 'regs', 'PCIe Base r6.0 §7.4 (RsvdZ)', 'RsvdZ bits read 0 whatever is written'),
  R('REG-RSVDZ-02', 'regs', 'PCIe Base r6.0 §7.4 (RsvdZ: software writes 0)', 'a write of 1 to an RsvdZ bit is reported (driver.rsvdz-nonzero)'),
  R('REG-UNIMPL-01', 'regs', 'PCIe Base r6.0 §7.5 (unimplemented registers read 0)', 'bytes no register implements read 0 and ignore writes; a non-zero write is reported'),
  R('REG-WIDTH-01', 'regs', 'PCIe Base r6.0 §7.2.2 (byte enables)', 'a DWORD write equals the four byte writes it contains, and a DWORD read equals the four byte reads'),
  R('REG-HW-01', 'regs', 'iovsim design (hardware-side verbs); PCIe Base r6.0 §7.4', 'a hardware-side update changes exactly its field; reserved and HwInit fields cannot be changed by hardware'),
  R('REG-HOOK-01', 'regs', 'iovsim design (side effects only in named hooks)', 'a register naming a hook without an implementation is refused; hooks see the register before and after each software write'),
  R('REG-RST-01', 'regs', 'PCIe Base r6.0 §6.6.1 (Fundamental Reset)', 'cold and warm reset return every bit, sticky ones included, to its reset value'),
  R('REG-RST-02', 'regs', 'PCIe Base r6.0 §6.6.1, §6.6.2, §7.4 (sticky)', 'hot reset and FLR keep sticky bits (ROS, RWS, RW1CS) and reset the others'),
  R('REG-RST-03', 'regs', 'PCIe Base r6.0 §6.6.2 (FLR exemptions)', 'an FLR also keeps the link-wide fields the spec exempts from it'),
  R('REG-MODEL-01', 'regs', 'iovsim design (model-based test)', 'random sequences of reads, writes, hardware updates and resets on a sample function agree with a naive bit-level reference'),
  R('CFG-HDR-01', 'config', 'PCIe Base r6.0 §7.5.1.1, §7.5.1.2', 'the Type 0 header has every field at its offset with its spec access type'),
  R('CFG-HDR-02', 'config', 'PCIe Base r6.0 §7.5.1.3', 'the Type 1 header has bus numbers, I/O, memory and prefetchable windows and Bridge Control with their access types'),
  R('CFG-W1C-01', 'config', 'PCIe Base r6.0 §7.5.1.1.4, §7.5.1.3.7', 'Status and Secondary Status error bits are set by hardware and cleared by writing 1'),
  R('CFG-BAR-01', 'config', 'PCIe Base r6.0 §7.5.1.2.1, §7.5.1.2.4', 'writing all ones to a BAR or the Expansion ROM BAR reads back the size mask with the type bits'),
  R('CFG-BAR-02', 'config', 'PCIe Base r6.0 §7.5.1.1.3, §7.5.1.2.1', 'a BAR decodes its programmed base only while Command Memory/I/O Space is set and it does not hold a probe answer'),
  R('CFG-CAP-01', 'config', 'PCIe Base r6.0 §7.5.1.1.11, §7.6', 'capabilities that overlap, are misaligned, leave their region, or an extended list not at 0x100 are refused at construction'),
  R('CFG-CAP-02', 'config', 'PCIe Base r6.0 §7.5.1.1.11, §7.6.3', 'capability walkers terminate on every byte pattern and report loops, broken and out-of-range pointers'),
  R('CFG-CAP-03', 'config', 'PCIe Base r6.0 §7.5.1.1.11, §7.6.3', 'a built space walks back to exactly the capabilities added, in order'),
  R('CFG-PCIE-01', 'config', 'PCIe Base r6.0 §7.5.3', 'the PCI Express capability (v2) has its registers with spec access types; ARI Forwarding Enable is writable only where supported'),
  R('CFG-PCIE-02', 'config', 'PCIe Base r6.0 §7.5.3.4, §6.6.2', 'Initiate FLR resets the function except sticky and FLR-exempt fields, and reads 0'),
  R('CFG-PM-01', 'config', 'PCIe Base r6.0 §7.5.2', 'the Power Management capability: PowerState RW (writes of unsupported D1/D2 discarded), PME_En sticky, PME_Status RW1CS'),
  R('CFG-MSI-01', 'config', 'PCIe Base r6.0 §7.7.1', 'the MSI capability takes the layout its options select'),
  R('CFG-MSIX-01', 'config', 'PCIe Base r6.0 §7.7.2', 'the MSI-X capability: Table Size N−1, Function Mask and Enable RW, table and PBA locations RO'),
  R('CFG-ARI-01', 'config', 'PCIe Base r6.0 §7.8.7', 'the ARI capability reports its Next Function Number; ARI Control bits are writable only when their capability is set'),
  R('CFG-IMG-01', 'config', 'PCIe Base r6.0 §7.5.1, §7.5.1.1.11, §7.6.3', 'a function loaded from a dump reads back exactly the dumped bytes; known capabilities become live registers, unknown ones opaque read-only bytes'),
  R('CFG-IMG-02', 'config', 'iovsim design (bad input gets a typed error)', 'loading any bytes either succeeds or raises a LayoutError; broken or looping chains are reported, not followed'),
  R('SRIOV-CAP-01', 'sriov', 'PCIe Base r6.0 §9.3.3', 'the SR-IOV capability has every register with its spec access type; ARI Capable Hierarchy is writable only in the lowest-numbered PF'),
  R('SRIOV-BAR-01', 'sriov', 'PCIe Base r6.0 §9.3.3.14', 'writing all ones to a VF BAR reads back the per-VF size mask with the type bits'),
  R('SRIOV-BAR-02', 'sriov', 'PCIe Base r6.0 §9.3.3.14, §9.3.3.3.4', 'VF k\'s window is VF BAR base + (k − 1) × per-VF size; windows are disjoint, inside the PF\'s VF BAR region, and decode only while VF Enable and VF MSE are set'),
  R('SRIOV-BAR-03', 'sriov', 'PCIe Base r6.0 §9.3.3.13, §9.3.3.14', 'VF BARs that are not aligned to, or not a whole multiple of, the System Page Size are reported'),
  R('SRIOV-RID-01', 'sriov', 'PCIe Base r6.0 §9.3.3.9, §9.3.3.10', 'VF n\'s Routing ID is PF RID + First VF Offset + (n − 1) × VF Stride in 16 bits, the carry going into the bus; RIDs are distinct and the inverse finds the VF'),
  R('SRIOV-RID-02', 'sriov', 'PCIe Base r6.0 §9.3.3.9-10, §7.3.3, §6.13', 'offset and stride follow NumVFs and ARI Capable Hierarchy; without ARI forwarding only device 0 of the secondary bus is reachable'),
  R('SRIOV-LIFE-01', 'sriov', 'PCIe Base r6.0 §9.3.3.3.1', 'VF Enable with NumVFs = n makes VFs 1..n exist; VF Enable = 0 removes them; re-enabled VFs start in their reset state'),
  R('SRIOV-LIFE-02', 'sriov', 'PCIe Base r6.0 §2.3.1 (Unsupported Request), §9.3.3.3.1', 'a configuration read of a function that does not exist returns all ones and a write is dropped, both reported'),
  R('SRIOV-LIFE-03', 'sriov', 'PCIe Base r6.0 §9.2.2 (PF reset), §6.6.2', 'a PF reset or FLR clears the SR-IOV control state and removes the VFs; a VF FLR resets that VF only'),
  R('SRIOV-LIFE-04', 'sriov', 'iovsim design (lazy VF storage)', 'enabling 65,535 VFs and reading them creates no per-VF storage; the first write to a VF creates exactly its own'),
  R('SRIOV-LIFE-05', 'sriov', 'PCIe Base r6.0 §9.3.3.3.1', 'after VF Enable = 0 every former VF reads all ones; after re-enabling each VF reads its reset state'),
  R('SRIOV-VF-01', 'sriov', 'PCIe Base r6.0 §9.3.4 (VF configuration space)', 'a VF reads Vendor/Device ID 0xFFFF, BARs 0, Command I/O and Memory Space 0, Interrupt Pin 0, Header Type 0, has a PCIe capability, ARI when the PF has it, and never SR-IOV'),
  R('SRIOV-ISO-01', 'sriov', 'PCIe Base r6.0 §9.3.4 (VFs are independent functions)', 'a configuration write to one function never changes another function\'s configuration space'),
  R('SRIOV-POL-01', 'sriov', 'PCIe Base r6.0 §9.3.3.7 (undefined)', 'NumVFs written while VF Enable is set: kept and reported, under each policy'),
  R('SRIOV-POL-02', 'sriov', 'PCIe Base r6.0 §9.3.3.7 (undefined); QEMU CVE-2024-26327', 'NumVFs above TotalVFs: VF Enable refused (strict, qemu) or NumVFs clamped (clamp), reported'),
  R('SRIOV-POL-03', 'sriov', 'PCIe Base r6.0 §9.3.3.3.1 (undefined)', 'VF Enable with NumVFs = 0: refused (strict) or enables no VFs (qemu, clamp), reported'),
  R('SRIOV-POL-04', 'sriov', 'PCIe Base r6.0 §9.3.3.13 (undefined)', 'System Page Size of zero, several, or unsupported bits, or written while VF Enable is set: handled per policy and reported'),
  R('SRIOV-POL-05', 'sriov', 'PCIe Base r6.0 §9.3.3.3.5 (undefined)', 'ARI Capable Hierarchy changed while VF Enable is set: handled per policy and reported'),
  R('SRIOV-MODEL-01', 'sriov', 'iovsim design (model-based test)', 'random SR-IOV control sequences and resets agree with a small reference model under every policy, and never throw'),
  R('SRIOV-LINUX-01', 'sriov', 'Linux v6.18 drivers/pci/iov.c', 'the Linux verdict follows sriov_init and sriov_enable: offset/stride, page size, VF BAR size, InitialVFs, nr limits, MMIO resources, bus range'),
  R('SRIOV-ORACLE-01', 'sriov', 'iovsim design (driver oracle)', 'the oracle explains each write field by field with requirement and section, locates VFs and windows, and loads devices from dumps'),
  R('SRIOV-ORACLE-02', 'sriov', 'iovsim design (bad input gets a clear, typed error with a stable code)', 'every oracle question, with any arguments an untyped caller can pass, is answered or refused with a coded SriovError (sriov.no-such-pf, sriov.bad-vf-number, sriov.bad-routing-id, sriov.bad-argument; a RangeError) or AccessError, never another exception'),
  R('SIM-ORDER-01', 'sim', 'iovsim design (two-phase clocking)', 'every component evaluates before any commits, so the order of components never changes a trace'),
  R('SIM-SKIP-01', 'sim', 'iovsim design (idle skipping)', 'jumping over cycles at which no component has work gives exactly the trace of stepping every cycle'),
  R('SIM-SCHED-01', 'sim', 'iovsim design (idle skipping at scale)', 'the next-event schedule agrees with a naive table: the earliest time, and exactly the items due at it'),
  R('SIM-DET-01', 'sim', 'iovsim design (determinism)', 'the same seed gives the same trace, and each component has its own random stream: adding one leaves the others\' draws alone'),
  R('SIM-CLOCK-01', 'sim', 'iovsim design (exact integer cycles: a number stays exact below 2^53)', 'the clock stops at cycle 2^53 − 2: an event, a run budget or an offer at or beyond it, or a cable longer than the model\'s 10^12 m (or of more than 2^40 cycles), is refused with a typed error (sim.cycle-overflow, sim.bad-option, sim.bad-cycle, sim.bad-length) and never runs on inexact cycles'),
  R('SIM-OPT-01', 'sim', 'iovsim design (bad input gets a clear, typed error with a stable code)', 'every device, cable and NIC constructor given any options (wrong types, edges, objects without a prototype) either builds or refuses with a coded SimError or NicError, never another exception, and error messages never throw while naming a bad value'),
  R('LINK-FCS-01', 'link', 'IEEE 802.3-2022 §3.2.9', 'the FCS is the IEEE CRC-32 (check value 0xCBF43926), sent least significant byte first; any corrupted byte is detected'),
  R('LINK-FRAME-01', 'link', 'IEEE 802.3-2022 §3.2, §3.4; IEEE 802.1Q-2022 §9.6', 'frames are padded to 64 bytes, carry an optional 802.1Q tag, decode back, and runts, giants and bad FCS are classified'),
  R('LINK-CABLE-01', 'link', 'IEEE 802.3-2022 §4.4.2 (interFrameGap), §3.2.1-2 (preamble, SFD)', 'a frame takes its wire time (preamble, SFD, frame) plus the cable delay, and back-to-back frames keep the 96-bit inter-frame gap'),
  R('LINK-ATTEN-01', 'link', 'IEEE 802.3-2022 §14.4, §25 (100 m link segment); §9, §27 (repeaters)', 'reception is clean up to the rated length and corrupt beyond it; a repeater in the middle regenerates the signal so the run works'),
  R('LINK-BURST-01', 'link', 'iovsim design (two link granularities that must agree)', 'burst mode (a segment per frame or jam, with exact start and end cycles) gives the same frame-level outcome as symbol mode: who received what at which cycle, collisions, drops and every counter'),
  R('LINK-FMODE-01', 'link', 'iovsim design (a third granularity: an event per frame, full duplex)', 'frame mode (each frame one event, its start and end computed) gives the same frame-level outcome as burst mode on any full-duplex network of hosts and switches: who received what at which cycle, every MAC event, every counter'),
  R('SIM-CONS-01', 'devices', 'iovsim design (frames are never lost silently)', 'every frame offered is delivered or counted as dropped with a reason, whether or not idle cycles are skipped'),
  R('HUB-FWD-01', 'devices', 'IEEE 802.3-2022 §9.5, §27.3 (repeater hub)', 'on a hub every frame sent without collision reaches every other port exactly once and never its sender'),
  R('HUB-COLL-01', 'devices', 'IEEE 802.3-2022 §9.5.6 (collision jam), §4.2.3.2.4 (collision detection)', 'overlapping transmissions on a hub are a collision every station sees; the senders jam, back off and retry'),
  R('CSMA-BACKOFF-01', 'devices', 'IEEE 802.3-2022 §4.2.3.2.5, §4.4.2 (attemptLimit 16, backoffLimit 10)', 'after the n-th collision the backoff is r slots with r in [0, 2^min(n, 10) − 1]; a frame is discarded after the 16th attempt'),
  R('TOPO-DEF-01', 'devices', 'iovsim design (bad input gets a typed error)', 'a topology described as data is validated with stable codes and JSON paths; validation never throws'),
  R('TOPO-BUILD-01', 'devices', 'iovsim design (topology as data)', 'a valid topology builds into a running network of hosts, hubs, repeaters and cables; an invalid one is refused with every problem named'),
  R('TOPO-DOT-01', 'devices', 'Graphviz DOT language', 'a topology draws as a deterministic DOT graph'),
  R('GIG-SLOT-01', 'devices', 'IEEE 802.3-2022 §4.4.2 (slotTime 4096 bit times at 1000 Mb/s), §4.2.3.4 (carrier extension)', 'at 1 Gb/s half duplex the slot is 512 bytes and shorter frames are carrier-extended to it (backoff in 512-byte slots); receivers strip the extension; full duplex never extends'),
  R('BRIDGE-SPLIT-01', 'devices', 'IEEE 802.1D-2004 §7.1, §7.7 (forwarding and filtering)', 'a bridge splitting a LAN of hubs keeps traffic between stations on one side on that side and carries only traffic for the other side across'),
  R('SW-FWD-01', 'devices', 'IEEE 802.1Q-2022 §8.6 (forwarding process), §8.7 (learning)', 'a switch sends unicast to the learned port only, floods unknown destinations to every other port, and counts every copy'),
  R('SW-QUEUE-01', 'devices', 'IEEE 802.1Q-2022 §8.6.6 (queuing frames); iovsim design (frames are never lost silently)', 'a port whose output queue is full drops the copy and counts it; every frame offered to a port is sent or counted'),
  R('SW-CUT-01', 'devices', 'IEEE 802.1Q-2022 §8.6 (forwarding process: relay delay not specified); cut-through practice', 'cut-through relays a frame once its header is in (full-duplex ports of one rate, idle egress), a frame time earlier than store-and-forward; a frame found bad at its end has already left and is counted bad downstream; symbol and burst mode agree'),
  R('LAN-NET-01', 'devices', 'IEEE 802.1D-2004 §7 (bridged LAN: a frame is delivered once)', 'on a loop-free network of hubs and switches every unicast reaches its destination exactly once and a broadcast every other host exactly once, in symbol and burst mode alike'),
  R('STP-NET-01', 'devices', 'IEEE 802.1D-1998 §8 (spanning tree); IEEE 802.1D-2004 §17', 'with STP on a looped network of switches, after convergence the links with both ends forwarding form a spanning tree and frames are delivered exactly once'),
  R('LAN-STORM-01', 'devices', 'IEEE 802.1D-2004 §7.4 (loops must be broken); iovsim design (bounded memory)', 'without STP a loop turns one broadcast into a storm that never ends, kept bounded in memory by the queue limits'),
  R('OBS-TAP-01', 'devices', 'iovsim design (observability)', 'a port tap captures every frame crossing the port, as its bytes, at the cycle it started'),
  R('OBS-TAP-02', 'devices', 'iovsim design (observability)', 'a burst still open when the run ends is recorded by flush'),
  R('OBS-PCAP-01', 'formats', 'pcap-savefile(5)', 'captures of a simulated port make a pcap file that reads back'),
  R('OBS-PCAP-02', 'formats', 'tcpdump -r', 'the real tcpdump reads the pcap of a simulated hub port'),
  R('OBS-VCD-01', 'formats', 'IEEE 1364-2005 §18', 'the signal recorder writes tx_en, carrier, collision and data per port as value changes'),
  R('OBS-VCD-02', 'formats', 'gtkwave vcd2fst / fst2vcd', 'the VCD of a simulated collision survives a third-party reader with every signal change'),
  R('OBS-SAFE-01', 'devices', 'iovsim design (observers never change the simulation)', 'attaching taps and recorders changes no result, and idle skipping changes no capture'),
  R('OBS-LIM-01', 'devices', 'iovsim design (bounded memory)', 'taps and recorders are bounded and count what they could not keep'),
  R('FMT-LSPCI-01', 'formats', 'pciutils 3.9 lspci -x/-xxx/-xxxx output, lib/dump.c reader', 'an exported dump imports back to identical bytes (64, 256 and 4096 bytes)'),
  R('FMT-LSPCI-02', 'formats', 'pciutils 3.9 lib/dump.c reader', 'malformed dumps raise only a typed parse error naming the line and the problem'),
  R('FMT-LSPCI-03', 'formats', 'pciutils 3.9 lib/dump.c reader', 'one file may hold several functions, with or without a domain'),
  R('FMT-LSPCI-04', 'formats', 'pciutils 3.9 lspci -F -vvv', 'the real lspci decodes the header and every capability of an exported function as built'),
  R('FMT-LSPCI-05', 'formats', 'pciutils 3.9 lspci -F -vvv', 'the real lspci decodes a Type 1 port: bus numbers and ARI forwarding'),
  R('FMT-LSPCI-06', 'formats', 'pciutils 3.9 lspci -F -vvv, lib/dump.c reader', 'dumps of real devices (lspci -vvv -xxxx output, decoded lines included) parse, and our decode agrees with lspci\'s on the header lines and every capability title'),
  R('FMT-PCAP-01', 'formats', 'pcap savefile format (pcap-savefile(5)), LINKTYPE_ETHERNET', 'a pcap file written by iovsim reads back with the same packets, times and lengths'),
  R('FMT-PCAP-02', 'formats', 'iovsim design (bad input gets a typed error)', 'malformed pcap input raises only a typed parse error'),
  R('FMT-PCAP-03', 'formats', 'tcpdump -r', 'the real tcpdump reads our pcap files and prints each packet at its time'),
  R('FMT-VCD-01', 'formats', 'IEEE 1364-2005 §18 (Value Change Dump)', 'a VCD written by iovsim reads back with the same signals and value changes'),
  R('FMT-VCD-02', 'formats', 'iovsim design (bad input gets a typed error)', 'malformed VCD input raises only a typed parse error'),
  R('FMT-VCD-03', 'formats', 'gtkwave vcd2fst / fst2vcd', 'a third-party VCD reader keeps every signal and value change of our VCD files'),
  R('FMT-DECODE-01', 'formats', 'iovsim design (never crash on input)', 'the lspci-style decoder terminates and never throws on any configuration bytes'),
  R('CLI-DUMP-01', 'cli', 'iovsim CLI contract', '`iovsim dump` prints a readable dump back in lspci -xxxx form and exits 2 with the error on stderr for unusable input'),
  R('CLI-VFS-01', 'cli', 'iovsim CLI contract', '`iovsim vfs` prints each VF\'s Routing ID and BAR windows and the Linux verdict from a dump, as text or one JSON object; exit 2 for unusable input'),
  R('CHK-HDR-01', 'cli', 'PCIe Base r6.0 §7.5.1.1.1, §7.5.1.1.9', 'a dumped function has a Vendor ID other than 0x0000 (0xFFFF only for a VF) and a Header Type layout of 0 or 1 (2, CardBus, is not checked)'),
  R('CHK-HDR-02', 'cli', 'PCIe Base r6.0 §7.5.1.1.4, §7.5.1.1.11', 'Status.Capabilities List is set exactly when the Capabilities Pointer is non-zero'),
  R('CHK-HDR-03', 'cli', 'PCIe Base r6.0 §7.5.1.1.13, §7.5.1.2, §7.5.1.3, §7.4 (RsvdP)', 'Interrupt Pin is 0..4 and the reserved header bytes (0x35–0x3B in a Type 0 header, 0x35–0x37 in Type 1) read 0'),
  R('CHK-CAP-01', 'cli', 'PCIe Base r6.0 §7.5.3.2, §7.6', 'extended capabilities come with a PCI Express capability, and that capability is version 2'),
  R('CHK-SRIOV-01', 'cli', 'PCIe Base r6.0 §9.3.3.5, §9.3.3.6; Linux v6.18 drivers/pci/iov.c sriov_init', 'TotalVFs is non-zero, InitialVFs ≤ TotalVFs, and InitialVFs = TotalVFs without VF Migration'),
  R('CHK-SRIOV-02', 'cli', 'PCIe Base r6.0 §9.3.3.9, §9.3.3.10; Linux v6.18 drivers/pci/iov.c compute_max_vf_buses', 'First VF Offset is non-zero, and VF Stride too when TotalVFs > 1'),
  R('CHK-SRIOV-03', 'cli', 'PCIe Base r6.0 §9.3.3.12, §9.3.3.13', 'Supported Page Sizes holds 4K and the required 0x553 sizes; System Page Size sets exactly one bit, which is supported'),
  R('CHK-SRIOV-04', 'cli', 'PCIe Base r6.0 §9.3.3.14, §7.5.1.2.1', 'VF BARs are memory BARs of type 32- or 64-bit, and a 64-bit VF BAR has a next slot for its upper half'),
  R('CHK-CLI-01', 'cli', 'iovsim CLI contract', '`iovsim check` reports findings per function with requirement ID, severity and spec section, as text, JSON or JUnit XML; exit 0 clean, 1 errors or warnings, 2 unusable input'),
  R('CLI-SIM-01', 'cli', 'iovsim CLI contract', '`iovsim sim` runs a scenario described as data and writes counters, pcap, VCD and DOT; a bad scenario exits 2 naming each problem by JSON path'),
  R('CLI-ROBUST-01', 'cli', 'iovsim design (bad input gets a typed error or a diagnostic, never a crash)', 'every command answers any input (mutated scenarios, frame sequences and lspci dumps, random SR-IOV capabilities) with exit 0, 1 or 2 and a message on stderr for 2, never an exception'),
  R('ARCH-LAYER-01', 'arch', 'iovsim design (DEVELOPERS.md architecture)', 'imports run one way: lower layers never import higher ones; the core imports no npm package'),
];

const LAYER_ORDER: readonly RequirementLayer[] = ['bits', 'regs', 'config', 'sriov', 'sim', 'link', 'devices', 'nic', 'formats', 'cli', 'arch'];

/**
 * Every requirement iovsim checks, in layer order. `spec/requirements.md` is generated from this
 * table (`npm run spec`), and a test fails when a requirement has no check.
 * @example
 * ```ts
 * REQUIREMENTS.find((r) => r.id === 'REG-W1C-01')?.spec; // "PCIe Base r6.0 §7.4"
 * ```
 * @category Conformance
 */
export const REQUIREMENTS: readonly Requirement[] = [...CORE, ...L2_REQUIREMENTS, ...STP_REQUIREMENTS, ...NIC_REQUIREMENTS]
  .map((r, i) => ({ r, i }))
  .sort((a, b) => LAYER_ORDER.indexOf(a.r.layer) - LAYER_ORDER.indexOf(b.r.layer) || a.i - b.i)
  .map(({ r }) => r);

/**
 * The requirement with this ID, or undefined.
 * @example
 * ```ts
 * requirement('CFG-BAR-01')?.title;
 * ```
 * @category Conformance
 */
export function requirement(id: string): Requirement | undefined {
  return REQUIREMENTS.find((r) => r.id === id);
}

/**
 * Renders the catalogue as the Markdown of `spec/requirements.md`.
 * @example
 * ```ts
 * writeFileSync('spec/requirements.md', renderRequirementsMarkdown());
 * ```
 * @category Conformance
 */
export function renderRequirementsMarkdown(): string {
  const lines = [
    '# Requirements',
    '',
    'Generated from `src/conformance/requirements.ts` by `npm run spec`; do not edit by hand.',
    'Every test or property that checks a requirement starts its name with the ID.',
    'Section numbers refer to the PCI Express Base Specification, Revision 6.0, unless named otherwise.',
    '',
  ];
  let layer = '';
  for (const r of REQUIREMENTS) {
    if (r.layer !== layer) {
      layer = r.layer;
      lines.push(`## ${layer}`, '', '| ID | Requirement | Source |', '|---|---|---|');
    }
    lines.push(`| ${r.id} | ${r.title.replace(/\|/g, '\\|')} | ${r.spec} |`);
    const next = REQUIREMENTS[REQUIREMENTS.indexOf(r) + 1];
    if (next === undefined || next.layer !== layer) lines.push('');
  }
  return lines.join('\n');
}
