// Token paging as the API does it: page N is fetched with the token page N-1 returned, so the
// tokens seen so far are kept to go back. A change of filters starts again from page 1.
import { useCallback, useEffect, useRef, useState } from "react";
import { explain, type Explained } from "../api/errors";

export interface Page<T> {
  items: T[];
  nextPageToken: string;
  totalSize?: number;
}

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: Explained | null;
  page: number;
  hasNext: boolean;
  total: number | undefined;
  next: () => void;
  previous: () => void;
  reload: () => void;
}

export function usePaged<T>(fetchPage: (token: string) => Promise<Page<T>>, filterKey: string): Paged<T> {
  const [tokens, setTokens] = useState<string[]>([""]);
  const [page, setPage] = useState(0);
  const [result, setResult] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Explained | null>(null);
  const [generation, setGeneration] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  useEffect(() => {
    setTokens([""]);
    setPage(0);
  }, [filterKey]);

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    fetchRef
      .current(tokens[page] ?? "")
      .then((answer) => {
        if (!current) return;
        setResult(answer);
        setTokens((known) => {
          const kept = known.slice(0, page + 1);
          return answer.nextPageToken ? [...kept, answer.nextPageToken] : kept;
        });
      })
      .catch((reason: unknown) => current && setError(explain(reason)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
    // tokens[page] is read, not watched: the token list grows as pages load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [page, filterKey, generation]);

  return {
    items: result?.items ?? [],
    loading,
    error,
    page,
    hasNext: !!result?.nextPageToken,
    total: result?.totalSize,
    next: useCallback(() => setPage((p) => p + 1), []),
    previous: useCallback(() => setPage((p) => Math.max(0, p - 1)), []),
    reload: useCallback(() => setGeneration((g) => g + 1), []),
  };
}
