#!/usr/bin/env python3
"""Writes the point sets of docs/STUDIES.md: gmm8 (6 Gaussian clusters in
8-D, scales 0.2/0.5/1) and moons8 (two moons embedded in 8-D by a random
rotation, noise 0.05) and moons2 (the 2-D moons), 10,000 training and 2,000
held-out points each, and g50 (5 clusters in 50-D, 5,000 + 2,000), into the
current directory. Deterministic (fixed seeds). Usage: python3 gen-points.py
"""
import random, math
random.seed(7)
def rot(n):
    # random orthogonal via Gram-Schmidt
    vs=[]
    while len(vs)<n:
        v=[random.gauss(0,1) for _ in range(n)]
        for u in vs:
            d=sum(a*b for a,b in zip(v,u)); v=[a-d*b for a,b in zip(v,u)]
        nv=math.sqrt(sum(a*a for a in v)); vs.append([a/nv for a in v])
    return vs
# gmm8: 6 clusters in 8-D, different scales
def gmm(n, dim=8, k=6):
    cs=[[random.gauss(0,3) for _ in range(dim)] for _ in range(k)]
    ss=[random.choice([0.2,0.5,1.0]) for _ in range(k)]
    out=[]
    for _ in range(n):
        j=random.randrange(k); out.append([cs[j][d]+ss[j]*random.gauss(0,1) for d in range(dim)])
    return out
# moons8: 2-D two moons embedded in 8-D by a random rotation, plus 0.05 noise in all dims
def moons(n, dim=8):
    R=rot(dim); out=[]
    for _ in range(n):
        if random.random()<0.5:
            t=random.uniform(0,math.pi); p=[math.cos(t),math.sin(t)]
        else:
            t=random.uniform(0,math.pi); p=[1-math.cos(t),0.5-math.sin(t)]
        p=p+[0.0]*(dim-2)
        p=[a+0.05*random.gauss(0,1) for a in p]
        out.append([sum(R[i][j]*p[j] for j in range(dim)) for i in range(dim)])
    return out
for name,f in [("gmm8",gmm),("moons8",moons)]:
    pts=f(12000)
    with open(name+".csv","w") as fh:
        for p in pts[:10000]: fh.write(",".join("%.6g"%a for a in p)+"\n")
    with open(name+"-heldout.csv","w") as fh:
        for p in pts[10000:]: fh.write(",".join("%.6g"%a for a in p)+"\n")
# moons2: two moons in 2-D, noise 0.05 (seed 11)
random.seed(11)
pts = []
for _ in range(12000):
    t = random.uniform(0, math.pi)
    p = [math.cos(t), math.sin(t)] if random.random() < 0.5 else [1 - math.cos(t), 0.5 - math.sin(t)]
    pts.append([a + 0.05 * random.gauss(0, 1) for a in p])
open("moons2.csv", "w").write("".join("%.6g,%.6g\n" % tuple(p) for p in pts[:10000]))
open("moons2-heldout.csv", "w").write("".join("%.6g,%.6g\n" % tuple(p) for p in pts[10000:]))
# g50: 5 Gaussian clusters in 50-D (centres ~N(0, 2²), scales 0.3/0.6/1),
# 5,000 training and 2,000 held-out points (seed 3)
random.seed(3)
c = [[random.gauss(0, 2) for _ in range(50)] for _ in range(5)]
s = [random.choice([0.3, 0.6, 1.0]) for _ in range(5)]
pts = []
for i in range(7000):
    k = random.randrange(5)
    pts.append(','.join('%.4f' % (c[k][j] + s[k] * random.gauss(0, 1)) for j in range(50)))
open('g50.csv', 'w').write('\n'.join(pts[:5000]) + '\n')
open('g50-heldout.csv', 'w').write('\n'.join(pts[5000:]) + '\n')
