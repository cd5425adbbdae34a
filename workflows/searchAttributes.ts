import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** What operators filter cases on in Temporal's UI and `temporal workflow list --query`. */
export const CaseType = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
export const CaseStatus = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const Region = defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD);
/** "role:supervisor", "user:u-reviewer-1": who must act next. */
export const PendingOn = defineSearchAttributeKey('PendingOn', SearchAttributeType.KEYWORD_LIST);
export const DueTime = defineSearchAttributeKey('DueTime', SearchAttributeType.DATETIME);
export const EscalationLevel = defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT);

export const ALL_SEARCH_ATTRIBUTES = [CaseType, CaseStatus, Region, PendingOn, DueTime, EscalationLevel];
