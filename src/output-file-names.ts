/**
 * The fixed names the run writes into output-dir besides the log files. Here,
 * at the bottom of the import graph, because inputs (which refuses an
 * output-dir already holding them) is read before output is written.
 */
export const MANIFEST_FILE = 'manifest.json'
export const CHECKSUMS_FILE = 'SHA256SUMS'
