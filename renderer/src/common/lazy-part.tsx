import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import { Component, lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';
import { LoadingState } from './loading-state.js';
import { visuallyHidden } from './visually-hidden.js';

/** The code of a part of the window could not be fetched (the host stopped, or was updated). */
export class PartLoadError extends Error {
  override readonly name = 'PartLoadError';
}

/** A part of the window whose code is loaded on first use; `preload` starts the download early. */
export interface LazyPart<P extends object> {
  Component: ComponentType<P>;
  /**
   * Starts (once) fetching the part's code; resolves when it is here, or has failed (the failure
   * shows where the part is used). Never rejects.
   */
  preload: () => Promise<void>;
}

/**
 * Wraps `import()` of a component so it is fetched on first render (or on `preload`), once. A
 * failed download surfaces as a {@link PartLoadError} for {@link PartBoundary} to explain.
 *
 * Once the code has arrived, a new instance renders the component directly: `React.lazy` always
 * suspends on its first render, even for code already here, and React then holds the fallback
 * on screen for up to 300 ms before revealing what replaced it.
 */
export function lazyPart<P extends object>(
  name: string,
  load: () => Promise<ComponentType<P>>,
): LazyPart<P> {
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  let loaded: ComponentType<P> | undefined;
  const start = () =>
    (loading ??= load().then(
      (component) => {
        loaded = component;
        return { default: component };
      },
      (error: unknown) => {
        throw new PartLoadError(
          `${name} (${error instanceof Error ? error.message : String(error)})`,
          { cause: error },
        );
      },
    ));
  const Lazy = lazy(start);
  function Part(props: P) {
    // Chosen once per instance: switching later would remount it and lose its state.
    const [Shown] = useState(() => loaded ?? Lazy);
    return <Shown {...props} />;
  }
  return {
    Component: Part,
    preload: () =>
      start().then(
        () => {},
        () => {},
      ),
  };
}

interface BoundaryState {
  error: unknown;
}

/**
 * Shows `loading` (a small status line) while a lazy part's code arrives, and a clear message
 * with a Reload button when it cannot be fetched. Other errors pass on unchanged.
 */
export class PartBoundary extends Component<
  {
    /** What is loading, e.g. "Loading the form…", said while the code arrives. */
    loading: string;
    children: ReactNode;
    /** A dialog: the loading line is for screen readers only, and an error has no margin. */
    quiet?: boolean;
  },
  BoundaryState
> {
  override state: BoundaryState = { error: undefined };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error };
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === undefined) {
      return (
        <Suspense
          fallback={
            this.props.quiet ? (
              <span role="status" style={visuallyHidden}>
                {this.props.loading}
              </span>
            ) : (
              <LoadingState label={this.props.loading} />
            )
          }
        >
          {this.props.children}
        </Suspense>
      );
    }
    // Not a download failure: a real bug, for the boundary above (as before parts were lazy).
    if (!(error instanceof PartLoadError)) throw error;
    return (
      <Alert
        severity="error"
        role="alert"
        data-testid="part-load-error"
        sx={{ m: this.props.quiet ? 0 : 3 }}
        action={
          <Button color="inherit" size="small" onClick={() => window.location.reload()}>
            Reload
          </Button>
        }
      >
        <AlertTitle>This part of ScriptDesk could not be loaded</AlertTitle>
        Its code did not arrive: {error.message}. ScriptDesk may have stopped or been updated;
        reload the window to try again.
      </Alert>
    );
  }
}

/**
 * A dialog whose code is fetched the first time it opens (`isOpen` of its props), and then kept,
 * so it can play its closing animation. Until then it renders nothing.
 */
export function lazyDialog<P extends object>(
  name: string,
  load: () => Promise<ComponentType<P>>,
  isOpen: (props: P) => boolean,
): ComponentType<P> {
  const part = lazyPart(name, load);
  function LazyDialog(props: P) {
    const [opened, setOpened] = useState(false);
    const open = isOpen(props);
    if (open && !opened) setOpened(true);
    if (!open && !opened) return null;
    return (
      <PartBoundary loading={`Opening ${name}…`} quiet>
        <part.Component {...props} />
      </PartBoundary>
    );
  }
  return LazyDialog;
}
