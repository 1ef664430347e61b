import type { Requirement, RequirementLayer } from './requirement-types.js';

const R = (id: string, layer: RequirementLayer, spec: string, title: string): Requirement => ({ id, layer, spec, title });

const GUIDE = 'iovsim design (docs/guides/nic-registers.md)';

/**
 * Requirements of the SR-IOV NIC: register blocks, embedded switch, VF isolation, migration; merged into `REQUIREMENTS` in layer order.
 * @internal
 */
export const NIC_REQUIREMENTS: readonly Requirement[] = [
  // PCIe side: profile, register blocks, memory decode, isolation, FLR, migration.
  R('NIC-PROF-01', 'nic', `PCIe Base r6.0 §7.5.1.2.1, §9.3.3.14; ${GUIDE}`, 'the NIC is one igb-based PF with TotalVFs (default 256), PF BAR0 128 KiB 32-bit non-prefetchable, VF BAR0 16 KiB 64-bit non-prefetchable, and a vendor-specific capability in the PF and each VF'),
  R('NIC-LAZY-01', 'nic', 'iovsim design (lazy VF storage, as SRIOV-LIFE-04)', 'enabling 256 VFs and asking their data-path gate and PF settings creates no per-VF storage; the first touch of a VF creates its block only'),
  R('NIC-REG-01', 'nic', `${GUIDE}; PCIe Base r6.0 §7.4`, 'every queue block register is at its documented offset with its access type and reset value; MAC_LO/MAC_HI are read-only in a VF and writable in the PF'),
  R('NIC-REG-02', 'nic', `${GUIDE}; PCIe Base r6.0 §7.4 (RW1C)`, 'INT_STATUS bits are set only by the device and cleared only by writing 1; INT_MASK decides whether an interrupt is pending'),
  R('NIC-REG-03', 'nic', GUIDE, 'the TX doorbell queues TX_LEN bytes of the TX buffer in order; a doorbell with TX disabled, a bad length or a full queue queues nothing, sets TX error and is counted; the doorbell reads 0'),
  R('NIC-REG-04', 'nic', `${GUIDE}; ring after the head/tail convention of Intel 8254x RDH/RDT`, 'the device fills RX slot RX_HEAD, sets its RX_LEN and advances RX_HEAD; the ring holds at most slots − 1 frames; a refused frame is counted with its reason; an RX_TAIL write past RX_HEAD is refused and reported'),
  R('NIC-REG-05', 'nic', `${GUIDE} (model-based test)`, 'random driver and data-path command sequences on a queue block agree with a naive reference of its queues and registers'),
  R('NIC-PFC-01', 'nic', 'Linux include/linux/netdevice.h (ndo_set_vf_mac, _vlan, _spoofchk, _trust, _link_state)', 'the PF control entry of each VF holds MAC, VLAN and priority, spoof check (on by default), trust (off by default) and link state; the typed setters write the same registers a driver reaches by memory address'),
  R('NIC-PFC-02', 'nic', 'IEEE 802.1Q-2022 §9.6 (VID 0xFFF reserved); Linux include/uapi/linux/if_link.h (IFLA_VF_LINK_STATE_*)', 'a register write of VLAN ID 4095 or link state 3 is refused and reported; the typed setters refuse bad arguments and VFs that do not exist with a NicError'),
  R('NIC-PFC-03', 'nic', `Linux ndo_set_vf_mac, ndo_set_vf_link_state; ${GUIDE}`, 'a VF\'s MAC_LO/MAC_HI show the address the PF assigned and ignore the VF\'s writes; its STATUS link follows its link state (auto: the port) and a change sets INT_STATUS link change'),
  R('NIC-MEM-01', 'nic', 'PCIe Base r6.0 §7.5.1.1.3 (Memory Space Enable), §9.3.3.3.4 (VF MSE), §9.3.3.14 (VF BARs)', 'PF BAR0 reaches the PF queue block and the PF control block while Memory Space Enable is set; VF k\'s window (from the SR-IOV layer) reaches VF k\'s block only, while VF Enable and VF MSE are set'),
  R('NIC-MEM-02', 'nic', 'PCIe Base r6.0 §2.3.1 (Unsupported Request)', 'a memory access no enabled window claims changes nothing, a read returns all ones, and the access is reported as nic.unclaimed-address'),
  R('NIC-MEM-03', 'nic', 'PCIe Base r6.0 §2.2.7 (naturally aligned accesses); iovsim design (typed errors)', 'a memory access of a size other than 1, 2 or 4, misaligned, beyond 2^64, or with a value that does not fit raises an AccessError and changes nothing'),
  R('NIC-ISO-01', 'nic', 'PCIe Base r6.0 §9.3.3.14 (each VF its own window); iovsim design (VF isolation)', 'a memory access inside VF A\'s window changes only VF A\'s state: every other VF\'s block and configuration space, the PF block and the PF control block are unchanged'),
  R('NIC-ISO-02', 'nic', 'PCIe Base r6.0 §9.3.4 (each VF its own configuration space)', 'configuration writes to one VF never change another VF\'s configuration space or queue block'),
  R('NIC-ISO-03', 'nic', 'PCIe Base r6.0 §9.3.3.3.1 (VF Enable = 0 removes the VFs)', 'clearing VF Enable removes the VF windows (accesses are then unclaimed) and flushes the VFs\' queues, counted with reason vf-removed'),
  R('NIC-ISO-04', 'nic', 'PCIe Base r6.0 §6.6.2 (FLR), §9.3.4', 'an FLR of VF A flushes and resets A\'s queue block only'),
  R('NIC-GATE-01', 'nic', 'PCIe Base r6.0 §9.3.3.3.1, §9.3.3.3.4, §9.3.4.1.2 (VF Bus Master Enable), §7.5.1.1.3', 'a VF may move frames exactly when it exists, VF Enable and VF MSE are set and its own Bus Master Enable is set; the PF when its Memory Space and Bus Master Enable are set'),
  R('NIC-FLR-01', 'nic', 'PCIe Base r6.0 §6.6.2 (FLR), §9.2.2 (PF reset removes the VFs)', 'a VF FLR through Device Control resets that VF\'s block (queues flushed and reported, PF-assigned MAC kept); a PF reset drops every VF block and resets the PF block and the PF control block'),
  R('NIC-MIG-01', 'nic', 'PCIe Base r6.0 §7.5.1, §9.3.4; Linux ndo_set_vf_*', 'the migration inventory lists every piece of VF state with where it lives (configuration space, PF control, device-internal) and who can restore it, and creates no storage'),
  R('NIC-MIG-02', 'nic', 'PCIe Base r6.0 §7.5.1 (what configuration space holds)', 'a migration that saves only configuration space keeps every configuration item and loses exactly the non-default device-internal and PF-control state, with frame counts; it never throws'),
];
