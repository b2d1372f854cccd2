#!/usr/bin/env python3
"""An independent implementation of sieve.bernoulli_mask's draw (see the op's
ODS description), written from the specification with Python integers.

Usage: counter_random.py SEED STREAM COUNT KEEP_PROBABILITY
Prints what counter-random-dump prints for the same arguments."""

import sys

MASK64 = (1 << 64) - 1


def counter_bits(seed, stream, index):
    z = (seed + 0x9E3779B97F4A7C15 * (index + 1) + 0xD1B54A32D192ED03 * stream) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def main():
    seed, stream, count = (int(a, 0) for a in sys.argv[1:4])
    p = float(sys.argv[4])
    threshold = round(min(max(p, 0.0), 1.0) * (1 << 24))
    bits = [counter_bits(seed, stream, i) for i in range(count)]
    for value in bits:
        print(f"{value:016x}")
    print("mask " + "".join("1" if (b >> 40) < threshold else "0" for b in bits))


if __name__ == "__main__":
    main()
