// Public surface of strategy/: session VWAP, entry filters, the signal generator and the Topstep risk manager.
//
// Expected call sequence (the engine wires it; all of strategy/ is pure: time comes with the bar):
//
//   start-up:  settings = filterSettingsFromConfig(cfg), signalSettingsFromConfig(cfg), riskSettingsFromConfig(cfg)
//              vixTable = readVixCsv(resolveVixFile(...)); calendar = readCalendarCsv(resolveCalendarFile(...))
//              sentiment = createSentimentSource(cfg)                       (integrations/, the only I/O)
//              risk = new RiskManager(riskSettings, instruments)             (ONE per account, shared by all instruments)
//              per instrument: vwap = new SessionVwap({anchorTime, timeZone, bandMultipliers, priceSource}),
//                              runs = new RegimeRunTracker(), counter = new SessionTradeCounter()
//   each closed bar (decision at the bar close, tsMs = bar.tsMs + bar length):
//     1. risk.markToMarket(symbol, bar.close, tsMs) → events (STATE_CHANGED: log+journal; FLATTEN: close all, cancel entries)
//     2. snap = vwap.update(bar)
//     3. info = detector.update(bar)                          (regime/, filtered probabilities only)
//     4. runStart = runs.update(bar.tsMs, info.regime); anchored = vwap.getAnchored(runStart)
//     5. verdict = evaluateFilters({ tsMs, tradingDate: sessionInfo(bar.tsMs).tradingDate, regime: info.regime,
//                                     settings, vixTable, calendar, sentiment })
//     6. decision = generateSignal({ bar, instrument, regimeInfo: info, vwap: snap, anchoredVwap: anchored,
//                                    filters: verdict, position, tradingState: risk.state,
//                                    regimeTradesThisSession: counter.count(date, info.regime), settings, policy })
//        → journal decision.reasonCode + reason (also for no-trade)
//     7. if decision.side: res = risk.reserveEntry({ tsMs, symbol, side, stopTicks: decision.stopTicks,
//                                baseSize: decision.size, regime, regimeConfidence: info.confidence,
//                                vixMultiplier: verdict.vixMultiplier, newsMultiplier: verdict.newsMultiplier })
//        Denied → journal res.code/res.detail; else submit res.qty with the signal's stop/target bracket.
//   broker callbacks:
//     entry filled → risk.onFill(fill) then risk.commit(res.id); counter.record(date, regime)
//     entry rejected/cancelled → risk.release(res.id)
//     every other fill (stop, target, flatten) → risk.onFill(fill) → events
//     every exit/flatten order → risk.evaluate(order) first (reducing orders always pass)
//   end of day (after the 15:10 CT flat, before 17:00 CT): risk.onTradingDayEnd(tsMs, brokerBalanceUsd?)
//     (if omitted, the first bar of the next trade date closes the day with the internal equity)

export * from './filters/index.ts';
export * from './signalGenerator/index.ts';
export * from './riskManager/index.ts';
export { runGuarded, type Guarded } from './guard.ts';
