import type { AdaptiveCardJson } from '../cards/render.js';
import type { PersonalChat } from '../tencs/cycle/cycle-service.js';
import type { Owner } from '../tencs/owner.js';

/** Writes to a practitioner's personal chat; each host implements it over its own connector. */
export type PersonalPort = PersonalChat & { sendCard(to: Owner, card: AdaptiveCardJson): Promise<boolean> };
