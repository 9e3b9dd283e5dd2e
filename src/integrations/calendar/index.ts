// Public surface of the live economic calendar (PLUG: live_calendar): vendor clients, merge, the refreshed source.

export { createCalendarSource, fileCalendar, type CalendarKind, type CalendarSourceOptions } from './createCalendarSource.ts';
export { LiveCalendar, type CalendarRefreshReport, type LiveCalendarSettings } from './liveCalendar.ts';
export { ForexFactoryClient, parseForexFactory, forexFactoryWeek, FF_THIS_WEEK_PATH } from './forexFactoryClient.ts';
export { TradingEconomicsClient, parseTradingEconomics, parseTradingEconomicsDate, COUNTRY_OF_CURRENCY } from './tradingEconomicsClient.ts';
export { mergeCalendars, type CalendarConflict, type MergedCalendar } from './mergeCalendars.ts';
export { eventKey } from './eventKey.ts';
export {
  toCalendarEvents,
  impactOfText,
  type Impact,
  type VendorEvent,
  type VendorSnapshot,
  type CalendarClient,
  type TierByImpact,
} from './vendorEvent.ts';
