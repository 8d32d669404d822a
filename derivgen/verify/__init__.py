"""Every displayed equality checked, on a small concrete instance, two independent ways.

Each step declares, as data, every equality its display asserts (`Step.claims`), built from
the fields it displays. Here each claim is checked for every value of its free indices:

1. **Exactly**, at a random point: every entry of the equation's symbols is a random integer
   below 2·10⁹, and the arithmetic is exact (a quotient is a rational; 50-digit reals near 1
   when exp, log, σ, … appear). The output's entries come from the parsed
   equation by plain matrix arithmetic (`verify.equation`), never from the engine's sums or
   matrix forms; an intermediate's from its stated definition, whose restatement of the
   output (`y = V m`) is itself a claim. A partial is the ε part of a dual number, so no
   formula is differentiated symbolically. Both sides must agree exactly (rationals) or to
   35 digits.
2. **Numerically**, at a second random point, for every claim about a partial: the same
   sides in complex double precision with each partial a central difference of the parsed
   equation, agreeing to a relative 10⁻⁶.

Why a wrong claim cannot pass: a false equality between rational functions of the entries
vanishes at a random point drawn from 10⁹ integers per entry with probability at most
(degree / 10⁹) (Schwartz and Zippel), and the second check, at another point, is independent
of the first; a claim about whole arrays fails on any difference of shape before its entries
are compared, and every array, size and index is evaluated on the instance (distinct sizes,
at least 3, so a swapped index or a wrong size changes the value or the shape); a claim that
names an array, index or construct the verifier has no rule for fails instead of being
skipped; ranges said for all i = 1…C must be the whole axis i indexes. A step kind without a
claims declaration cannot be verified at all.

Speed comes from evaluating, never from trusting: each side is compiled once into closures;
a sum over several indices is nested with each factor under only the signs it uses; sums,
sides and partials remember their value per value of the indices they use; a claim that a
later step repeats is checked once.
"""

from derivgen.verify.check import Checked, Verification, verify

__all__ = ["Checked", "Verification", "verify"]
