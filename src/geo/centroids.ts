import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Country centroids from the `world-countries` package (ODbL 1.0, mledoze/countries): one point per
 * country, so distances between countries are approximate — a large country's centroid can be far from
 * where its people log in. Read on first use.
 */
let centroids: Map<string, [number, number]> | undefined;

function all(): Map<string, [number, number]> {
  if (!centroids) {
    const list = require('world-countries/countries.json') as { cca2: string; latlng: [number, number] }[];
    centroids = new Map(list.filter((c) => c.latlng?.length === 2).map((c) => [c.cca2, c.latlng]));
  }
  return centroids;
}

/** Where a country's centroid is: [latitude, longitude]. */
export function centroid(country: string): [number, number] | undefined {
  return all().get(country);
}

const EARTH_KM = 6371;
const rad = (d: number) => (d * Math.PI) / 180;

/** The great-circle distance between two countries' centroids, km; undefined for an unknown country. */
export function distanceKm(a: string, b: string): number | undefined {
  const p = centroid(a);
  const q = centroid(b);
  if (!p || !q) return undefined;
  const dLat = rad(q[0] - p[0]);
  const dLon = rad(q[1] - p[1]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(p[0])) * Math.cos(rad(q[0])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
