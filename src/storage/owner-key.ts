export { ownerKey } from '../tencs/owner.js';
