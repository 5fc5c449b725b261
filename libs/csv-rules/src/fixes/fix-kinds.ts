import type { FixName } from '../rulesets/ruleset-definition';
import { decimalCommaFix } from './decimal-comma';
import { enumSynonymsFix } from './enum-synonyms';
import type { FixKind } from './fix-kind';
import { gtinDigitsFix } from './gtin-digits';
import { trimFix, whitespaceFix } from './whitespace';

export const FIX_KINDS: ReadonlyMap<string, FixKind> = new Map<FixName, FixKind>(
  [trimFix, whitespaceFix, decimalCommaFix, enumSynonymsFix, gtinDigitsFix].map((fix) => [fix.id, fix]),
);
