import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const HEADER = 'sku,title,description,price,currency,available_quantity,condition,brand,model,gtin,pictures';
const BRANDS = ['Samsung', 'Motorola', 'Xiaomi', 'Apple', 'LG', 'Philips', 'Multilaser', 'Positivo'];
const PRODUCTS = ['Smartphone', 'Fone de Ouvido', 'Carregador', 'Smart TV', 'Notebook', 'Caixa de Som', 'Relógio'];

/** Deterministic, so every run of the benchmark parses the same bytes. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

function withCheckDigit(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += (body.charCodeAt(i) - 48) * weight;
  return body + String((10 - (sum % 10)) % 10);
}

/**
 * One Mercado Livre feed row. Most rows are valid; about 1 in 20 carries something auto-fix
 * repairs (Brazilian price, "Novo", stray spaces, a GTIN that lost its leading zero) and about
 * 1 in 50 a real error, so both paths of the engine are exercised. Titles with a comma and
 * descriptions are quoted, as spreadsheet exports do.
 */
function feedRow(index: number, random: () => number): string {
  const brand = BRANDS[index % BRANDS.length]!;
  const product = PRODUCTS[index % PRODUCTS.length]!;
  const model = `M${(index % 997).toString(36).toUpperCase()}`;
  let title = index % 5 === 0 ? `"${product} ${brand}, ${model}"` : `${product} ${brand} ${model}`;
  let price = `${(random() * 5000 + 1).toFixed(2)}`;
  let condition = index % 3 === 0 ? 'used' : 'new';
  let gtin = withCheckDigit(`789${String(index).padStart(9, '0')}`);
  let quantity = String(Math.floor(random() * 500));
  const roll = random();
  if (roll < 0.015) price = `"R$ ${price.replace('.', ',')}"`;
  else if (roll < 0.03) condition = 'Novo';
  else if (roll < 0.04) title = `  ${product}  ${brand} ${model} `;
  else if (roll < 0.05) gtin = withCheckDigit(`0${String(index).padStart(10, '0')}`).slice(1);
  else if (roll < 0.06) quantity = '-3';
  else if (roll < 0.07) gtin = `${gtin.slice(0, -1)}${(Number(gtin.slice(-1)) + 1) % 10}`;
  const description = `"${product} ${brand} ${model}: produto original, com garantia de 12 meses e nota fiscal. Envio rápido."`;
  const pictures = `https://http2.mlstatic.com/D_${index}-O.jpg|https://http2.mlstatic.com/D_${index}-F.jpg`;
  return `SKU-${index},${title},${description},${price},BRL,${quantity},${condition},${brand},${model},${gtin},${pictures}\n`;
}

export async function generateFeed(path: string, rows: number): Promise<number> {
  const random = createRandom(20_240_115);
  const out = createWriteStream(path);
  let batch = `${HEADER}\n`;
  for (let index = 1; index <= rows; index++) {
    batch += feedRow(index, random);
    if (index % 2_000 === 0) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  return out.bytesWritten;
}
