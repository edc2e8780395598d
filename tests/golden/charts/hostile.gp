# gpusim chart 'hostile'.  Redraw with 'gnuplot hostile.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'hostile.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'hostile.svg'
$d0 << EOD
8 31200 0.41999999999999998
16 59999.999999999993 0.4038461538461538
32 115555.55555555555 0.38888888888888884
64 222857.14285714284 0.37499999999999994
128 430344.8275862069 0.36206896551724138
256 832000 0.34999999999999998
512 1610322.5806451614 0.33870967741935487
EOD
$d1 << EOD
8 12000 0.47999999999999998
16 23076.923076923074 0.46153846153846145
32 44444.444444444438 0.44444444444444436
64 85714.28571428571 0.42857142857142855
128 165517.24137931035 0.41379310344827586
256 320000 0.40000000000000002
512 619354.83870967745 0.38709677419354838
EOD

# ---- png ----
reset
set encoding utf8
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2 dt 1
set linetype 2 lc rgb '#D55E00' lw 2 pt 9 ps 1.2 dt 1
set linetype 3 lc rgb '#009E73' lw 2 pt 11 ps 1.2 dt 1
set linetype 4 lc rgb '#E69F00' lw 2 pt 13 ps 1.2 dt 1
set linetype 5 lc rgb '#CC79A7' lw 2 pt 7 ps 1.2 dt 1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 9 ps 1.2 dt 1
set linetype 7 lc rgb '#F0E442' lw 2 pt 11 ps 1.2 dt 1
set linetype 8 lc rgb '#000000' lw 2 pt 13 ps 1.2 dt 1
set linetype cycle 8
set grid lc rgb '#d9d9d9' lw 1 dt 1
set border lw 1 lc rgb '#404040'
set tics out nomirror
set key noenhanced top left box opaque samplen 2 spacing 1.1
set style fill solid 0.85 border lc rgb '#404040'
set datafile missing 'NaN'
set terminal pngcairo size 1000,600 noenhanced font 'sans,11' background '#ffffff'
set output gpusim_out_png
set title '`touch /tmp/gpusim-canary`' font ',13'
set label 99 '" . system("touch /tmp/gpusim-canary") . " | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'system("touch /tmp/gpusim-canary")'
set ylabel '​''; system(''touch /tmp/gpusim-canary''); '''
set logscale x 2
set key outside right top
set ytics nomirror
set yrange [0:*]
set y2tics
set y2range [0:*]
set y2label '  set output "x" !touch /tmp/gpusim-canary '
plot $d0 using 1:2 with linespoints lt 1 title 'EOD throughput', \
     $d0 using 1:3 axes x1y2 with linespoints lt 1 dt 2 pt 6 title 'EOD MFU', \
     $d1 using 1:2 with linespoints lt 2 title 'H100 ±5% — 日本 µs throughput', \
     $d1 using 1:3 axes x1y2 with linespoints lt 2 dt 2 pt 6 title 'H100 ±5% — 日本 µs MFU'
unset output

# ---- svg ----
reset
set encoding utf8
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2 dt 1
set linetype 2 lc rgb '#D55E00' lw 2 pt 9 ps 1.2 dt 1
set linetype 3 lc rgb '#009E73' lw 2 pt 11 ps 1.2 dt 1
set linetype 4 lc rgb '#E69F00' lw 2 pt 13 ps 1.2 dt 1
set linetype 5 lc rgb '#CC79A7' lw 2 pt 7 ps 1.2 dt 1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 9 ps 1.2 dt 1
set linetype 7 lc rgb '#F0E442' lw 2 pt 11 ps 1.2 dt 1
set linetype 8 lc rgb '#000000' lw 2 pt 13 ps 1.2 dt 1
set linetype cycle 8
set grid lc rgb '#d9d9d9' lw 1 dt 1
set border lw 1 lc rgb '#404040'
set tics out nomirror
set key noenhanced top left box opaque samplen 2 spacing 1.1
set style fill solid 0.85 border lc rgb '#404040'
set datafile missing 'NaN'
set terminal svg size 1000,600 fixed noenhanced font 'sans,11' background '#ffffff'
set output gpusim_out_svg
set title '`touch /tmp/gpusim-canary`' font ',13'
set label 99 '" . system("touch /tmp/gpusim-canary") . " | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'system("touch /tmp/gpusim-canary")'
set ylabel '​''; system(''touch /tmp/gpusim-canary''); '''
set logscale x 2
set key outside right top
set ytics nomirror
set yrange [0:*]
set y2tics
set y2range [0:*]
set y2label '  set output "x" !touch /tmp/gpusim-canary '
plot $d0 using 1:2 with linespoints lt 1 title 'EOD throughput', \
     $d0 using 1:3 axes x1y2 with linespoints lt 1 dt 2 pt 6 title 'EOD MFU', \
     $d1 using 1:2 with linespoints lt 2 title 'H100 ±5% — 日本 µs throughput', \
     $d1 using 1:3 axes x1y2 with linespoints lt 2 dt 2 pt 6 title 'H100 ±5% — 日本 µs MFU'
unset output
