# gpusim chart 'topology'.  Redraw with 'gnuplot topology.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'topology.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'topology.svg'
$d0 << EOD
0 64
1 32
2 8
3 8192
4 4096
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
set title 'Topology summary' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'component'
set ylabel 'count'
unset key
set boxwidth 0.6
set grid noxtics ytics
set xrange [-0.6:4.6]
set logscale y
set yrange [0.5:*]
set xtics ('leaf switches' 0, 'spine switches' 1, 'core switches' 2, 'NIC-leaf links' 3, 'leaf-spine links' 4)
plot $d0 using 1:2 with boxes lt 1 notitle, \
     $d0 using 1:2:(sprintf('%g', $2)) with labels offset 0,0.8 notitle
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
set title 'Topology summary' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'component'
set ylabel 'count'
unset key
set boxwidth 0.6
set grid noxtics ytics
set xrange [-0.6:4.6]
set logscale y
set yrange [0.5:*]
set xtics ('leaf switches' 0, 'spine switches' 1, 'core switches' 2, 'NIC-leaf links' 3, 'leaf-spine links' 4)
plot $d0 using 1:2 with boxes lt 1 notitle, \
     $d0 using 1:2:(sprintf('%g', $2)) with labels offset 0,0.8 notitle
unset output
