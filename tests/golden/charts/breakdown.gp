# gpusim chart 'breakdown'.  Redraw with 'gnuplot breakdown.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'breakdown.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'breakdown.svg'
$d0 << EOD
0 8.0999999999999996 9 9
1 7.9000000000000004 8.5 9.6999999999999993
2 7.5999999999999996 8 10.1
3 7.4000000000000004 8.7000000000000011 11.700000000000001
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
set title 'Iteration time breakdown' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'configuration'
set ylabel 'time per iteration (s)'
set key outside right top
set boxwidth 0.6
set yrange [0:*]
set xrange [-0.6:3.6]
set grid noxtics ytics
set xtics ('tp=8 pp=1' 0, 'tp=8 pp=4' 1, 'tp=4 pp=8' 2, 'tp=2 pp=16' 3)
plot $d0 using 1:4 with boxes lt 4 title 'pipeline bubble', \
     $d0 using 1:3 with boxes lt 2 title 'exposed communication', \
     $d0 using 1:2 with boxes lt 1 title 'compute'
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
set title 'Iteration time breakdown' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'configuration'
set ylabel 'time per iteration (s)'
set key outside right top
set boxwidth 0.6
set yrange [0:*]
set xrange [-0.6:3.6]
set grid noxtics ytics
set xtics ('tp=8 pp=1' 0, 'tp=8 pp=4' 1, 'tp=4 pp=8' 2, 'tp=2 pp=16' 3)
plot $d0 using 1:4 with boxes lt 4 title 'pipeline bubble', \
     $d0 using 1:3 with boxes lt 2 title 'exposed communication', \
     $d0 using 1:2 with boxes lt 1 title 'compute'
unset output
