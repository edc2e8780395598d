# gpusim chart 'frontier'.  Redraw with 'gnuplot frontier.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'frontier.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'frontier.svg'
$d0 << EOD
90 1382400
48.600000000000001 1492992
33.803910001730777 1557684.1728797543
26.099999999999998 1603584
21.343576456637802 1639186.6718697832
18.101955000865388 1668276.1728797541
162 1194393.5999999999
87.480000000000004 1289945.088
60.847038003115401 1345839.1253681076
46.979999999999997 1385496.5759999999
38.418437621948044 1416257.2844954927
32.583519001557697 1441390.6133681075
EOD
$d1 << EOD
18.101955000865388 1668276.1728797541
21.343576456637802 1639186.6718697832
26.099999999999998 1603584
32.583519001557697 1441390.6133681075
38.418437621948044 1416257.2844954927
46.979999999999997 1385496.5759999999
60.847038003115401 1345839.1253681076
87.480000000000004 1289945.088
162 1194393.5999999999
EOD
$d2 << EOD
26.099999999999998 1603584
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
set title 'Cost vs time to train' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'time to train (days)'
set ylabel 'cost (USD)'
set key top right box opaque
set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.04
set label 2 '1024 x H100' at 26.099999999999998, 1603584 left offset 1.5,1.2 front
plot $d0 using 1:2 with points lt 6 pt 7 ps 1 title 'candidates', \
     $d1 using 1:2 with linespoints lt 1 pt 7 ps 0.6 lw 2 title 'Pareto frontier', \
     $d2 using 1:2 with points lt 2 pt 5 ps 2.5 title 'chosen plan'
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
set title 'Cost vs time to train' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'time to train (days)'
set ylabel 'cost (USD)'
set key top right box opaque
set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.04
set label 2 '1024 x H100' at 26.099999999999998, 1603584 left offset 1.5,1.2 front
plot $d0 using 1:2 with points lt 6 pt 7 ps 1 title 'candidates', \
     $d1 using 1:2 with linespoints lt 1 pt 7 ps 0.6 lw 2 title 'Pareto frontier', \
     $d2 using 1:2 with points lt 2 pt 5 ps 2.5 title 'chosen plan'
unset output
