/**
 * `npm run pretest`: create the throwaway PKI before jest starts, because
 * NODE_EXTRA_CA_CERTS is read once at process start and must point at an existing CA.
 */
import { ensurePki } from './pki.js'

const pki = ensurePki(process.argv[2] ?? '.tmp/pki')
console.log(`PKI ready in ${pki.dir}`)
