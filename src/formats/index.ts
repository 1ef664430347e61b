/**
 * File formats for config-space data: the `lspci -x` / `-xxx` / `-xxxx` hex dump (read and
 * written so that `lspci -F` accepts it) and PCI addresses.
 *
 * @module formats
 */
export { LspciParseError, formatPciAddress, parsePciAddress, parseLspciDump, formatLspciDump, formatLspciDumps } from './lspci.js';
export type { PciAddress, PciAddressFormatOptions, DumpFunction, LspciDumpInput, LspciDumpSize, LspciParseErrorCode } from './lspci.js';
export { describeFunction } from './lspci-decode.js';
export type { DescribeFunctionOptions } from './lspci-decode.js';
export { formatJunit, type JunitFailure, type JunitOptions, type JunitTestCase, type JunitTestSuite } from './junit.js';
export { LINKTYPE_ETHERNET, PcapParseError, formatPcap, parsePcap } from './pcap.js';
export type { PcapPacket, PcapFormatOptions, PcapFile, PcapParseErrorCode } from './pcap.js';
export { VcdParseError, formatVcd, parseVcd } from './vcd.js';
export type { VcdValue, VcdSignal, VcdChange, VcdFormatOptions, VcdDump, VcdParseErrorCode } from './vcd.js';
