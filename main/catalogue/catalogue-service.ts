import { usedUiSchema } from '../../forms/used-ui-schema.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiFailure } from '../contract/errors.js';
import type { CatalogueSyncStatus, ScriptSummary } from '../contract/api.js';
import { summarise } from './script-summary.js';
import type { HomePaths } from '../shared/home.js';
import { ContentStore } from './content-store.js';
import { sha256Hex } from '../shared/hashing.js';
import type { CatalogueDocument, CatalogueProvenance, PublishedScript } from './document.js';
import { FormValidators, type FormValidator } from './form-validators.js';
import { InstalledCatalogueReader, type InstalledCatalogue } from './installed.js';
import type { ScriptManifest } from './manifest.js';
import { isPermitted } from './permissions.js';
import { sourceFor, type CatalogueSourceReader } from './sources.js';
import { syncCatalogue, type SyncOutcome } from './sync.js';
import { latest, SyncStateFile } from './sync-state.js';
import type { TrustStore } from './trust-store.js';
import { CatalogueRejected, isExpired } from './verify.js';

/** Everything needed to show a script's form and run it, read from verified bytes. */
export interface ResolvedScript {
  published: PublishedScript;
  manifest: ScriptManifest;
  catalogueVersion: number;
  /** The git commit the catalogue was built from (its signed provenance); null when unknown. */
  catalogueCommit?: string | null;
  /** Where the installed catalogue was built from; absent in catalogues built before it was recorded. */
  provenance?: CatalogueProvenance | undefined;
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  lockText: string;
  scriptDir: string;
  wheels: InstalledWheel[];
}

/** A wheel of the installed catalogue, with the cap its document sets for inspecting it. */
export interface InstalledWheel {
  filename: string;
  path: string;
  sha256: string;
  /** The signed `limits.maxWheelUncompressedBytes`; undefined: the device's default. */
  maxUncompressedBytes: number | undefined;
}

/** Receives every accepted and rejected sync (the app journals them). */
export type SyncListener = (
  outcome:
    | { ok: true; result: SyncOutcome; location: string }
    | { ok: false; error: CatalogueRejected; location: string },
) => void;

export interface CatalogueServiceOptions {
  paths: HomePaths;
  trust: TrustStore;
  /** The wall clock (tests move it). */
  clock?: () => Date;
  onSync?: SyncListener;
  /**
   * Resolves when the outcome of a sync can be journaled (the device key is loaded); throws why
   * not. A sync that could not be recorded is not started: nothing is fetched or installed.
   */
  recordable?: () => Promise<void>;
}

/** How far the clock must move past the recorded latest time before it is written down again. */
const TIME_SEEN_GRANULARITY_MS = 60_000;

/** The catalogue as main sees it: the installed, verified document and the scripts the user may run. */
export class CatalogueService {
  private readonly reader: InstalledCatalogueReader;
  private readonly store: ContentStore;
  private readonly validators: FormValidators;
  /** Verified files by hash, parsed once: the store is content-addressed, a hash names its bytes. */
  private readonly parsed = new Map<string, unknown>();
  private readonly state: SyncStateFile;
  private readonly clock: () => Date;
  private readonly onSync: SyncListener;
  private latestSeenMs: number | undefined;
  private inFlight: Promise<SyncOutcome> | null = null;

  constructor(private readonly options: CatalogueServiceOptions) {
    this.store = new ContentStore(options.paths.store);
    this.validators = new FormValidators(this.store);
    this.state = new SyncStateFile(options.paths.catalogue);
    this.clock = options.clock ?? (() => new Date());
    this.onSync = options.onSync ?? (() => {});
    this.reader = new InstalledCatalogueReader(options.paths.catalogue, options.paths.scripts);
  }

  /**
   * The time expiry is judged by: the later of the clock, the latest time this device has seen,
   * and the signed issue time of the installed catalogue. Turning the clock back changes nothing.
   */
  async trustedNow(): Promise<Date> {
    const wall = this.clock().getTime();
    if (this.latestSeenMs === undefined) {
      const seen = (await this.state.read()).latestTimeSeen;
      this.latestSeenMs = seen ? Date.parse(seen) : 0;
    }
    if (wall > this.latestSeenMs + TIME_SEEN_GRANULARITY_MS) {
      this.latestSeenMs = wall;
      await this.state.update((s) => ({ ...s, latestTimeSeen: new Date(wall).toISOString() }));
    }
    const installed = await this.installed().catch(() => null);
    const issued = installed ? Date.parse(installed.document.issuedAt) : 0;
    return new Date(Math.max(wall, this.latestSeenMs, issued));
  }

  /**
   * The installed catalogue (null before any sync), read again when another install (`scriptdesk
   * sync`, another window) replaced it on disk. Throws `catalogue_unavailable` if it fails to verify.
   */
  async installed(): Promise<InstalledCatalogue | null> {
    try {
      return await this.reader.read(() => this.options.trust.list());
    } catch (error) {
      if (error instanceof CatalogueRejected)
        throw new ApiFailure(
          'catalogue_unavailable',
          `The installed catalogue cannot be used: ${error.message}. Sync it again.`,
        );
      throw error;
    }
  }

  /** Refuses to start runs from an expired catalogue, saying why and what to do. */
  async assertRunnable(): Promise<void> {
    const installed = await this.installed();
    if (!installed) return;
    const now = await this.trustedNow();
    if (isExpired(installed.document, now)) {
      throw new ApiFailure(
        'catalogue_unavailable',
        `Runs are blocked: catalogue version ${installed.document.version} expired on ${installed.document.expires}. Connect to your organisation's network and sync, or ask your administrator to publish a new catalogue.`,
      );
    }
  }

  /** Where this device syncs from; null before its first accepted sync. */
  async source(): Promise<string | null> {
    return (await this.state.read()).source ?? null;
  }

  async status(): Promise<CatalogueSyncStatus> {
    const state = await this.state.read();
    let installed: InstalledCatalogue | null = null;
    let unusable: string | null = null;
    try {
      installed = await this.installed();
    } catch (error) {
      unusable = (error as Error).message;
    }
    const doc = installed?.document;
    return {
      source: state.source ?? null,
      audience: state.audience ?? null,
      installed: doc
        ? { name: doc.name, version: doc.version, issuedAt: doc.issuedAt, expires: doc.expires }
        : null,
      expired: doc ? isExpired(doc, await this.trustedNow()) : false,
      unusable,
      lastAttemptAt: state.lastAttemptAt ?? null,
      lastSuccessAt: state.lastSuccessAt ?? null,
      lastError: state.lastError ?? null,
      syncing: this.inFlight !== null,
    };
  }

  /**
   * Syncs from `source`, or from the remembered source when none is given. One sync at a time:
   * a second call while one runs shares its result. `audience` pins the device to an audience;
   * without it the audience pinned at the first sync applies.
   */
  sync(source?: CatalogueSourceReader, options: { audience?: string } = {}): Promise<SyncOutcome> {
    this.inFlight ??= this.runSync(source, options).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  /** Resolves when no sync is running. */
  async settled(): Promise<void> {
    await this.inFlight?.catch(() => {});
  }

  private async runSync(
    given: CatalogueSourceReader | undefined,
    options: { audience?: string },
  ): Promise<SyncOutcome> {
    const state = await this.state.read();
    const source = given ?? (state.source ? sourceFor(state.source) : null);
    if (!source)
      throw new ApiFailure(
        'catalogue_unavailable',
        'This device has no catalogue source yet; run: scriptdesk sync --from URL|DIR --pubkey PUB',
      );
    if (this.options.recordable) {
      try {
        await this.options.recordable();
      } catch (error) {
        throw new ApiFailure(
          'journal_unavailable',
          `The catalogue was not synced because the audit journal cannot record it: ${(error as Error).message.replace(/\.$/, '')}. The catalogue in use stays as it is.`,
        );
      }
    }
    const attemptAt = this.clock().toISOString();
    try {
      const result = await syncCatalogue(this.options.paths, source, {
        trusted: await this.options.trust.list(),
        now: await this.trustedNow(),
        audience: options.audience ?? state.audience,
        known: state.known,
        installed: (await this.installed().catch(() => null)) ?? undefined,
      });
      if (result.kind === 'updated') this.reader.forget();
      const issuedAt = result.kind === 'updated' ? result.document.issuedAt : undefined;
      await this.state.update((s) => ({
        ...s,
        source: source.location,
        audience:
          options.audience ??
          s.audience ??
          (result.kind === 'updated' ? result.document.audience : undefined),
        known: result.etag
          ? {
              location: source.location,
              etag: result.etag,
              documentSha256: result.documentSha256,
              version: result.kind === 'updated' ? result.document.version : result.version,
              expires: result.kind === 'updated' ? result.document.expires : result.expires,
            }
          : undefined,
        latestTimeSeen: latest(attemptAt, issuedAt),
        lastAttemptAt: attemptAt,
        lastSuccessAt: attemptAt,
        lastError: null,
      }));
      if (issuedAt) this.latestSeenMs = Math.max(this.latestSeenMs ?? 0, Date.parse(issuedAt));
      this.onSync({ ok: true, result, location: source.location });
      return result;
    } catch (error) {
      if (error instanceof CatalogueRejected) {
        await this.state.update((s) => ({
          ...s,
          lastAttemptAt: attemptAt,
          lastError: { reason: error.reason, message: error.message, at: attemptAt },
        }));
        this.onSync({ ok: false, error, location: source.location });
      }
      throw error;
    }
  }

  /** The scripts `user` may run, as the UI lists them. */
  async listFor(user: string): Promise<ScriptSummary[]> {
    const installed = await this.installed();
    if (!installed) return [];
    return installed.document.scripts
      .filter((s) => isPermitted(s.manifest, installed.document.groups, user))
      .map((s) => summarise(s.manifest));
  }

  /**
   * What the Python environment of each script `user` may run is built from (the verified lock
   * and the wheel blobs), for building them all ahead of the first run. Each lock is read once.
   */
  async environmentInputsFor(user: string): Promise<
    {
      scriptId: string;
      python: string;
      lockText: string;
      wheels: InstalledWheel[];
    }[]
  > {
    const installed = await this.installed();
    if (!installed) return [];
    const locks = new Map<string, Promise<string>>();
    const permitted = installed.document.scripts.filter((s) =>
      isPermitted(s.manifest, installed.document.groups, user),
    );
    return Promise.all(
      permitted.map(async (script) => {
        const lockHash = script.files.find((f) => f.path === 'requirements.lock')?.sha256 ?? '';
        let lock = locks.get(lockHash);
        if (!lock) {
          lock = this.readVerified(script, 'requirements.lock').then((b) => b.toString('utf8'));
          locks.set(lockHash, lock);
        }
        return {
          scriptId: script.manifest.id,
          python: script.manifest.python,
          lockText: await lock,
          wheels: this.wheelsOf(installed.document, script),
        };
      }),
    );
  }

  /** One script with its verified form, for `user`; `not_found` / `forbidden` otherwise. */
  async resolve(scriptId: string, user: string): Promise<ResolvedScript> {
    const installed = await this.installed();
    if (!installed)
      throw new ApiFailure(
        'catalogue_unavailable',
        'No catalogue is installed yet; sync one first (scriptdesk sync --from ...).',
      );
    const published = installed.document.scripts.find((s) => s.manifest.id === scriptId);
    if (!published)
      throw new ApiFailure(
        'not_found',
        `There is no script "${scriptId}" in catalogue version ${installed.document.version}.`,
      );
    if (!isPermitted(published.manifest, installed.document.groups, user)) {
      throw new ApiFailure(
        'forbidden',
        `You (${user}) are not allowed to run "${published.manifest.title}"; ask your administrator for access.`,
      );
    }
    return {
      published,
      manifest: published.manifest,
      catalogueVersion: installed.document.version,
      catalogueCommit: installed.document.provenance?.commit ?? null,
      provenance: installed.document.provenance,
      schema: await this.readParsed(published, 'form.schema.json', JSON.parse),
      // Only what ScriptDesk uses: the options the build lint warned about are dropped here.
      uiSchema: published.files.some((f) => f.path === 'form.ui.json')
        ? await this.readParsed(published, 'form.ui.json', (text) => usedUiSchema(JSON.parse(text)))
        : {},
      lockText: await this.readParsed(published, 'requirements.lock', (text) => text),
      scriptDir: installed.scriptDir(published),
      wheels: this.wheelsOf(installed.document, published),
    };
  }

  /** The verified, precompiled validator of a resolved script's form (main's authority for its inputs). */
  validator(script: ResolvedScript): Promise<FormValidator> {
    return this.validators.forScript(script.published, script.schema);
  }

  /**
   * The bytes of `/validators/<sha256>.js` for the renderer: only a validator main loaded for a
   * script of the installed catalogue (the renderer asked for its form first); null otherwise.
   */
  async validatorModule(sha256: string): Promise<Buffer<ArrayBuffer> | null> {
    const installed = await this.installed().catch(() => null);
    return installed ? this.validators.moduleBytes(sha256, installed.document) : null;
  }

  private wheelsOf(document: CatalogueDocument, script: PublishedScript): InstalledWheel[] {
    return script.wheels.map((w) => ({
      filename: w.filename,
      path: this.store.pathOf(w.sha256),
      sha256: w.sha256,
      maxUncompressedBytes: document.limits?.maxWheelUncompressedBytes,
    }));
  }

  /** Parsed JSON of a script file, cached by content hash (the same object each time, so compiled validators are reused). */
  private async readParsed<T>(
    script: PublishedScript,
    file: string,
    parse: (text: string) => T,
  ): Promise<T> {
    const entry = script.files.find((f) => f.path === file);
    const key = `${entry?.sha256}:${file}`;
    if (!this.parsed.has(key))
      this.parsed.set(key, parse((await this.readVerified(script, file)).toString('utf8')));
    return this.parsed.get(key) as T;
  }

  private async readVerified(script: PublishedScript, file: string): Promise<Buffer> {
    const entry = script.files.find((f) => f.path === file);
    if (!entry)
      throw new ApiFailure(
        'catalogue_unavailable',
        `Script ${script.manifest.id} has no ${file} in the catalogue.`,
      );
    const bytes = await readFile(this.store.pathOf(entry.sha256));
    if (sha256Hex(bytes) !== entry.sha256) {
      // Discarded, so the next sync fetches it again (a sync with nothing new restores what is missing).
      await this.store.discard(entry.sha256);
      throw new ApiFailure(
        'catalogue_unavailable',
        `The local copy of ${script.manifest.id}/${file} was changed on disk; sync the catalogue again.`,
      );
    }
    return bytes;
  }

  /** Where a script's entry point is. */
  static entrypoint(resolved: ResolvedScript): string {
    return path.join(resolved.scriptDir, ...resolved.manifest.entrypoint.split('/'));
  }
}
