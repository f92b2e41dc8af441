/**
 * IdSet moved to src/records/id-set.ts (a neutral module every layer may import).
 * This re-export only keeps branches written against the old path merging; import
 * from '../records/id-set.js'.
 */
export { IdSet } from '../records/id-set.js'
