export * from './errors/base.js';
export * from './errors/codes.js';
export * from './domain/venues.js';
export * from './domain/tokens.js';
export * from './domain/positionKey.js';
export * from './domain/params.js';
export * from './data/series.js';
export * from './data/catalog.js';
