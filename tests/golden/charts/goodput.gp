# gpusim chart 'goodput'.  Redraw with 'gnuplot goodput.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'goodput.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'goodput.svg'
$d0 << EOD
2 0.87916666666666665
4 0.85833333333333339
6 0.83750000000000002
8 0.81666666666666665
10 0.79583333333333339
12 0.77500000000000002
EOD
$d1 << EOD
2 0.93194444444444446
4 0.89722222222222225
6 0.86250000000000004
8 0.82777777777777783
10 0.79305555555555562
12 0.7583333333333333
EOD
$d2 << EOD
2 0.89444444444444449
4 0.79722222222222228
6 0.69999999999999996
8 0.60277777777777786
10 0.50555555555555554
12 0.40833333333333333
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
set title 'Goodput vs failure rate' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'failures per day'
set ylabel 'goodput (fraction)'
set key bottom left box opaque
set yrange [0:1]
plot $d0 using 1:2 with linespoints lt 1 title '10 min', \
     $d1 using 1:2 with linespoints lt 2 title '30 min', \
     $d2 using 1:2 with linespoints lt 3 title '2 h'
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
set title 'Goodput vs failure rate' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'failures per day'
set ylabel 'goodput (fraction)'
set key bottom left box opaque
set yrange [0:1]
plot $d0 using 1:2 with linespoints lt 1 title '10 min', \
     $d1 using 1:2 with linespoints lt 2 title '30 min', \
     $d2 using 1:2 with linespoints lt 3 title '2 h'
unset output
