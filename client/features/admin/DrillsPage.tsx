// Drills (admins): choose a scenario from the server's fixtures and a speed, start it, watch its
// progress, stop it, and clear the exercise world, without a terminal. The server plays it through
// the same ingest path and replay as `npm run drill`.
import { useEffect, useState } from 'react';
import { CurrentDrill, DrillStatus, ScenarioSummary } from '../../../shared/scenario.ts';
import { ExerciseCleared } from '../../../shared/schemas.ts';
import { apiRequest } from '../../lib/api.ts';
import { refusalOf, useAdminOps, type Refusal } from './adminOps.ts';
import { FieldProblem, RefusalLine } from './Refusal.tsx';

/** How often the page asks for progress while a drill plays. */
const POLL_MS = 1000;

export function DrillsPage() {
  const { t, format } = useAdminOps();
  const [scenarios, setScenarios] = useState<ScenarioSummary[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [speed, setSpeed] = useState('60');
  const [drill, setDrill] = useState<DrillStatus | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    apiRequest('/api/drills/scenarios', ScenarioSummary.array())
      .then((list) => {
        setScenarios(list);
        setChosen((c) => c || list[0]?.name || '');
      })
      .catch((err: unknown) => setRefusal(refusalOf(err)));
    void refresh();
  }, []);

  const running = drill?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [running]);

  async function refresh() {
    try {
      setDrill((await apiRequest('/api/drills/current', CurrentDrill)).drill);
    } catch (err) {
      setRefusal(refusalOf(err));
    }
  }

  async function act(action: () => Promise<void>) {
    setRefusal(null);
    setNote(null);
    try {
      await action();
    } catch (err) {
      setRefusal(refusalOf(err));
    }
  }

  const start = () =>
    act(async () => {
      // sent as typed when it is no number, so that the server names the field
      const typed = Number(speed);
      setDrill(await apiRequest('/api/drills', DrillStatus, { method: 'POST', body: { scenario: chosen, speed: speed.trim() !== '' && Number.isFinite(typed) ? typed : speed } }));
    });
  const stop = () => act(async () => setDrill(await apiRequest('/api/drills/current', DrillStatus, { method: 'DELETE' })));
  const clear = () =>
    act(async () => {
      if (!window.confirm(t('confirmClear'))) return;
      const { deleted } = await apiRequest('/api/exercise', ExerciseCleared, { method: 'DELETE' });
      setNote(t('cleared', { count: deleted }));
    });

  const scenario = scenarios?.find((s) => s.name === chosen);
  const speedNumber = Number(speed);
  const problem = (field: string) => <FieldProblem refusal={refusal} field={field} />;

  return (
    <section className="drills-page" data-testid="drills-page">
      <div className="field">
        <label htmlFor="drill-scenario">{t('scenario')}</label>
        <select id="drill-scenario" value={chosen} onChange={(e) => setChosen(e.target.value)} data-field="scenario" disabled={running}>
          {(scenarios ?? []).map((s) => (
            <option key={s.name} value={s.name}>
              {s.title}
            </option>
          ))}
        </select>
        {problem('scenario')}
      </div>
      {scenario ? (
        <div className="scenario-facts">
          {scenario.synthetic ? <span className="badge">{t('synthetic')}</span> : null}{' '}
          {t('scenarioFacts', { reports: format.number(scenario.reports), sites: format.number(scenario.sites), hours: format.number(scenario.durationMinutes / 60) })}
          <p className="help" dir="ltr">
            {scenario.description}
          </p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="drill-speed">{t('speed')}</label>
        <input id="drill-speed" inputMode="decimal" dir="ltr" value={speed} onChange={(e) => setSpeed(e.target.value)} data-field="speed" disabled={running} />
        {problem('speed')}
        {scenario && speedNumber > 0 ? <span className="hint">{t('speedTakes', { minutes: format.number(Math.ceil(scenario.durationMinutes / speedNumber)) })}</span> : null}
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void start()} disabled={running || !chosen} data-testid="drill-start">
          {t('start')}
        </button>
        <button type="button" onClick={() => void stop()} disabled={!running} data-testid="drill-stop">
          {t('stop')}
        </button>
        <button type="button" className="danger" onClick={() => void clear()} disabled={running} data-testid="drill-clear">
          {t('clear')}
        </button>
        <a href="/?exercise" target="_blank" rel="noreferrer">
          {t('drillWatch')}
        </a>
      </div>
      <RefusalLine refusal={refusal} testId="drill-refusal" />
      {note ? (
        <p role="status" data-testid="drill-note">
          {note}
        </p>
      ) : null}
      <div className="drill-status" data-testid="drill-status" data-state={drill?.state ?? 'none'}>
        {drill ? (
          <>
            <p>
              {t('drillProgress', {
                scenario: drill.scenario,
                state: t(`drillState_${drill.state}`),
                reached: format.number(Math.floor(drill.reachedMinute / 60)),
                total: format.number(drill.durationMinutes / 60),
                posted: format.number(drill.posted),
                reports: format.number(drill.reports),
                failed: format.number(drill.failed),
              })}
            </p>
            <progress max={drill.durationMinutes} value={drill.reachedMinute} />
            <p className="hint">{t('drillStartedBy', { who: drill.startedBy, at: format.dateTime(drill.startedAt) })}</p>
          </>
        ) : (
          <p>{t('noDrill')}</p>
        )}
      </div>
    </section>
  );
}
